using System.Collections;

namespace BetterDepth.Evaluation;

/// <summary>Named metric values of one image (or an average over images), in a fixed order for reports.</summary>
public sealed class MetricValues : IReadOnlyDictionary<string, double>
{
    readonly List<KeyValuePair<string, double>> ordered;
    readonly Dictionary<string, double> byName;

    public MetricValues(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ordered = values.ToList();
        byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in ordered)
            if (!byName.TryAdd(name, value)) throw new ArgumentException($"metric '{name}' appears twice", nameof(values));
    }

    public MetricValues(params (string Name, double Value)[] values)
        : this(values.Select(v => KeyValuePair.Create(v.Name, v.Value))) { }

    public double this[string key] => byName.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"no metric named '{key}'");
    public IEnumerable<string> Keys => ordered.Select(p => p.Key);
    public IEnumerable<double> Values => ordered.Select(p => p.Value);
    public int Count => ordered.Count;
    public bool ContainsKey(string key) => byName.ContainsKey(key);
    public bool TryGetValue(string key, out double value) => byName.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ordered.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>This set followed by <paramref name="other"/>'s metrics (names must not repeat).</summary>
    public MetricValues Concat(MetricValues other) => new(ordered.Concat(other));

    public override string ToString() => string.Join(", ", ordered.Select(p => $"{p.Key}={p.Value:G6}"));
}
