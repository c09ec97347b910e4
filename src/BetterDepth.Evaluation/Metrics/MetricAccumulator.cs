namespace BetterDepth.Evaluation;

/// <summary>
/// Averages per-image metric values over images, as Marigold's MetricTracker does (each image weighs the same).
/// A NaN value (a metric undefined for that image, such as a boundary error on an image without depth edges) is left
/// out of that metric's average, like iBims-1's nanmean; <see cref="Counts"/> says how many images each average has.
/// <see cref="StandardError"/> says how far each average would move with another draw of as many images, which on a
/// test set of a hundred images can exceed the differences being reported.
/// </summary>
internal sealed class MetricAccumulator
{
    readonly List<string> order = [];
    // The mean is the plain sum over the count, as Marigold's; the spread is Welford's running M2, stable for any scale.
    readonly Dictionary<string, (double Sum, int Count, double RunningMean, double M2)> totals = new(StringComparer.Ordinal);

    /// <summary>Number of images added.</summary>
    public int Images { get; private set; }

    public void Add(MetricValues perImage)
    {
        ArgumentNullException.ThrowIfNull(perImage);
        // check everything first so a rejected image leaves the averages untouched
        foreach (var (name, value) in perImage)
            if (double.IsInfinity(value)) throw new ArgumentException($"metric '{name}' is infinite", nameof(perImage));
        foreach (var (name, value) in perImage)
        {
            if (!totals.TryGetValue(name, out var t)) { order.Add(name); t = (0, 0, 0, 0); }
            if (double.IsNaN(value)) { totals[name] = t; continue; }
            int count = t.Count + 1;
            double runningMean = t.RunningMean + (value - t.RunningMean) / count;
            totals[name] = (t.Sum + value, count, runningMean, t.M2 + (value - t.RunningMean) * (value - runningMean));
        }
        Images++;
    }

    /// <summary>Mean of each metric over the images where it was defined (NaN when it never was).</summary>
    public MetricValues Mean() => new(order.Select(n => KeyValuePair.Create(n, totals[n].Count == 0 ? double.NaN : totals[n].Sum / totals[n].Count)));

    /// <summary>
    /// Standard error of each mean: the images' sample standard deviation over the square root of their count (NaN
    /// with fewer than two images). Images are the unit, as in the mean; pixels within an image are not independent.
    /// </summary>
    public MetricValues StandardError() => new(order.Select(n => KeyValuePair.Create(n,
        totals[n].Count < 2 ? double.NaN : Math.Sqrt(totals[n].M2 / (totals[n].Count - 1) / totals[n].Count))));

    public IReadOnlyDictionary<string, int> Counts => order.ToDictionary(n => n, n => totals[n].Count);
}
