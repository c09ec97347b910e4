namespace BetterDepth.Evaluation;

/// <summary>
/// Averages per-image metric values over images, as Marigold's MetricTracker does (each image weighs the same).
/// A NaN value (a metric undefined for that image, such as a boundary error on an image without depth edges) is left
/// out of that metric's average, like iBims-1's nanmean; <see cref="Counts"/> says how many images each average has.
/// </summary>
internal sealed class MetricAccumulator
{
    readonly List<string> order = [];
    readonly Dictionary<string, (double Sum, int Count)> totals = new(StringComparer.Ordinal);

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
            if (!totals.TryGetValue(name, out var t)) { order.Add(name); t = (0, 0); }
            totals[name] = double.IsNaN(value) ? t : (t.Sum + value, t.Count + 1);
        }
        Images++;
    }

    /// <summary>Mean of each metric over the images where it was defined (NaN when it never was).</summary>
    public MetricValues Mean() => new(order.Select(n => KeyValuePair.Create(n, totals[n].Count == 0 ? double.NaN : totals[n].Sum / totals[n].Count)));

    public IReadOnlyDictionary<string, int> Counts => order.ToDictionary(n => n, n => totals[n].Count);
}
