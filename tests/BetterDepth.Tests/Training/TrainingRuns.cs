using BetterDepth.Synthetic;
using BetterDepth.Training;

namespace BetterDepth.Tests.Training;

/// <summary>A tiny synthetic dataset written once, and training configs over it (tiny model, 32x24, a few iterations).</summary>
public sealed class TrainingRuns
{
    public string Root { get; } = TestData.NewTempDir("train");

    public TrainingRuns() =>
        SyntheticDataset.Write(Path.Combine(Root, "synth"), new SyntheticDatasetOptions(4, 32, 24, 1, SceneKind.Mixed, TestFraction: 0.25));

    /// <summary>Config JSON text; <paramref name="extra"/> is appended as further fields (",\"key\": value").</summary>
    public static string ConfigJson(string extra = "", int iterations = 3) =>
        "{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\", \"split\": \"train.txt\"}], \"prior\": \"degraded:4\", " +
        "\"width\": 32, \"height\": 24, \"batch_size\": 2, \"iterations\": " + iterations + ", \"learning_rate\": 1e-3, \"warmup_steps\": 1, " +
        "\"checkpoint_every\": 2, \"seed\": 3" + extra + "}";

    /// <summary>Writes a config beside the dataset and returns its path.</summary>
    public string WriteConfig(string json, string name = "train.json")
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, json);
        return path;
    }

    public RefinerTrainingConfig Config(string extra = "", int iterations = 3, string name = "train.json") =>
        RefinerTrainingConfig.Load(WriteConfig(ConfigJson(extra, iterations), name));

    public string NewRun(string tag) => Path.Combine(Root, "runs", $"{tag}-{Guid.NewGuid():N}");

    /// <summary>The (iteration, loss) columns of a run's log, as written.</summary>
    public static List<string> LossColumns(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, TrainingLog.FileName)).Skip(1).Select(l => string.Join(",", l.Split(',')[..2])).ToList();
}
