using System.Diagnostics;
using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>Timing with warm-up: the best of several runs, the figure least disturbed by other work on a shared machine.</summary>
public static class Timing
{
    /// <summary>
    /// Runs <paramref name="work"/> <paramref name="warmup"/> times untimed, then at least <paramref name="minRuns"/> times and until
    /// <paramref name="minSeconds"/> have passed (at most <paramref name="maxRuns"/>); each run in its own dispose scope.
    /// </summary>
    public static RunTimes Measure(Action work, int warmup = 1, int minRuns = 3, int maxRuns = 50, double minSeconds = 0.5, CancellationToken ct = default)
    {
        for (int i = 0; i < warmup; i++) { ct.ThrowIfCancellationRequested(); Once(work); }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < minRuns || (times.Count < maxRuns && total.Elapsed.TotalSeconds < minSeconds))
        {
            ct.ThrowIfCancellationRequested();
            times.Add(Once(work));
        }
        return new RunTimes(times);
    }

    static double Once(Action work)
    {
        using var scope = NewDisposeScope();
        long start = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}

/// <summary>Seconds of each timed run.</summary>
public sealed record RunTimes(IReadOnlyList<double> Seconds)
{
    public double Best => Seconds.Min();
    public double Median
    {
        get
        {
            var s = Seconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }
    public int Runs => Seconds.Count;
}
