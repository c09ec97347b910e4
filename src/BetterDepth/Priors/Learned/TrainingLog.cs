using System.Globalization;

namespace BetterDepth.Priors.Learned;

/// <summary>train_log.csv: one line per step (appended, so a resumed run continues the same file).</summary>
internal sealed class TrainingLog
{
    readonly string path;

    public TrainingLog(string path)
    {
        this.path = path;
        if (!File.Exists(path)) File.WriteAllText(path, "step,loss,lr,elapsed_s,it_per_s\n");
    }

    public void Append(int step, double loss, double lr, double elapsedSeconds, double itPerSecond) =>
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{step},{loss:G6},{lr:G6},{elapsedSeconds:F1},{itPerSecond:F3}\n"));
}
