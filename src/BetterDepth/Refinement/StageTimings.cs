using System.Diagnostics;

namespace BetterDepth.Refinement;

/// <summary>Wall time of each stage of one <see cref="RefinementPipeline.Run"/>, for the bench and for users tuning settings.</summary>
public sealed class StageTimings
{
    readonly Dictionary<string, double> seconds = new();
    readonly List<string> order = new();

    public IEnumerable<(string Stage, double Seconds)> Stages => order.Select(s => (s, seconds[s]));
    public double Total => seconds.Values.Sum();
    public double this[string stage] => seconds.TryGetValue(stage, out var s) ? s : 0;

    public void Add(string stage, double elapsedSeconds)
    {
        if (!seconds.ContainsKey(stage)) { order.Add(stage); seconds[stage] = 0; }
        seconds[stage] += elapsedSeconds;
    }

    /// <summary>Stage names of denoising step i are these followed by " i".</summary>
    public const string UNetStage = "U-Net step", SchedulerStage = "scheduler step";

    /// <summary>
    /// A <see cref="LatentDenoiser.StepReached"/> callback that books each step's U-Net call (with its timestep input)
    /// as "U-Net step i" and the scheduler update as "scheduler step i".
    /// </summary>
    public Action<int, DenoisingPoint> DenoisingSteps()
    {
        long last = 0;
        return (step, point) =>
        {
            long now = Stopwatch.GetTimestamp();
            if (point == DenoisingPoint.UNetDone) Add($"{UNetStage} {step}", Stopwatch.GetElapsedTime(last, now).TotalSeconds);
            if (point == DenoisingPoint.End) Add($"{SchedulerStage} {step}", Stopwatch.GetElapsedTime(last, now).TotalSeconds);
            last = now;
        };
    }

    /// <summary>Runs <paramref name="work"/> and books its wall time under <paramref name="stage"/>.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        long start = Stopwatch.GetTimestamp();
        try { return work(); }
        finally { Add(stage, Stopwatch.GetElapsedTime(start).TotalSeconds); }
    }
}
