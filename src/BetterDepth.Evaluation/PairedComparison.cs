namespace BetterDepth.Evaluation;

/// <summary>
/// Two sets of predictions scored on the same images, compared image by image: for every metric, both means and the
/// mean of candidate minus baseline over the images where both have a value, with that difference's standard error.
/// The images' own difficulty cancels in each difference, so the paired error is usually far smaller than either
/// mean's: it is what says whether a refined map is better than its prior on a test set of a hundred images.
/// </summary>
public sealed class PairedComparison
{
    /// <summary>The baseline's predictions folder.</summary>
    public string BaselinePredictionsDir { get; }
    /// <summary>Images scored in both reports (matched by sample id).</summary>
    public int PairedCount { get; }
    public MetricValues CandidateMeans { get; }
    public MetricValues BaselineMeans { get; }
    /// <summary>Mean of candidate minus baseline (negative is better for errors, positive for accuracies and recall).</summary>
    public MetricValues Differences { get; }
    public MetricValues DifferenceStandardErrors { get; }

    PairedComparison(string baselineDir, MetricAccumulator candidate, MetricAccumulator baseline, MetricAccumulator difference)
    {
        BaselinePredictionsDir = baselineDir;
        PairedCount = difference.Images;
        CandidateMeans = candidate.Mean();
        BaselineMeans = baseline.Mean();
        Differences = difference.Mean();
        DifferenceStandardErrors = difference.StandardError();
    }

    public static PairedComparison Of(EvaluationReport candidate, EvaluationReport baseline)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline);
        var names = candidate.MetricNames.Where(baseline.MetricNames.Contains).ToList();
        var baselineById = baseline.Samples.ToDictionary(s => s.Id, StringComparer.Ordinal);
        MetricAccumulator c = new(), b = new(), d = new();
        foreach (var sample in candidate.Samples)
        {
            if (!baselineById.TryGetValue(sample.Id, out var other)) continue;
            // A metric undefined in either image is left out of all three means, so they describe the same images.
            double Both(string n, MetricValues m) => double.IsNaN(sample.Metrics[n]) || double.IsNaN(other.Metrics[n]) ? double.NaN : m[n];
            c.Add(new MetricValues(names.Select(n => KeyValuePair.Create(n, Both(n, sample.Metrics)))));
            b.Add(new MetricValues(names.Select(n => KeyValuePair.Create(n, Both(n, other.Metrics)))));
            d.Add(new MetricValues(names.Select(n => KeyValuePair.Create(n, Both(n, sample.Metrics) - Both(n, other.Metrics)))));
        }
        if (d.Images == 0) throw new ArgumentException("the two evaluations share no sample; compare predictions of the same split");
        return new PairedComparison(baseline.PredictionsDir, c, b, d);
    }
}
