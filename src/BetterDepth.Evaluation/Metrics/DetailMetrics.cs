namespace BetterDepth.Evaluation;

/// <summary>
/// Fine-detail metrics from iBims-1 (Koch et al. 2018), as used in BetterDepth's Middlebury comparison: depth boundary
/// errors (DBE) between predicted and ground-truth depth edges, and edge precision / recall.
/// Without hand-made ground-truth edge maps, ground-truth edges come from the ground-truth depth with the same detector.
/// </summary>
public static class DetailMetrics
{
    public const string DbeAccuracy = "dbe_acc", DbeCompleteness = "dbe_comp", EdgePrecision = "edge_precision", EdgeRecall = "edge_recall";

    public static IReadOnlyList<string> Names { get; } = [DbeAccuracy, DbeCompleteness, EdgePrecision, EdgeRecall];

    /// <summary>
    /// Edges of both maps are detected only inside <paramref name="valid"/> (<see cref="DepthEdges"/>).
    /// dbe_acc = mean distance from each predicted edge pixel to the nearest ground-truth edge, over the predicted edge
    /// pixels closer than theta (iBims-1 code: farther ones are left out); dbe_comp = mean over ground-truth edge pixels
    /// of the distance to the nearest predicted edge, truncated at theta (iBims-1 paper). When no predicted edge lies
    /// within theta of a ground-truth edge both are theta. edge_precision / edge_recall = share of predicted / ground-truth
    /// edge pixels with an edge of the other map within the tolerance (0 without predicted edges). Without any
    /// ground-truth edge all four are NaN (undefined; <see cref="MetricAccumulator"/> skips them).
    /// </summary>
    public static MetricValues Compute(DepthMap predDepth, DepthMap gtDepth, bool[] valid, DepthEdgeSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(predDepth);
        ArgumentNullException.ThrowIfNull(gtDepth);
        if (!predDepth.SameSizeAs(gtDepth))
            throw new ArgumentException($"ground truth is {gtDepth.Width}x{gtDepth.Height}, prediction {predDepth.Width}x{predDepth.Height}", nameof(gtDepth));
        settings ??= DepthEdgeSettings.IBims;

        var gtEdges = DepthEdges.Detect(gtDepth, valid, settings);
        var predEdges = DepthEdges.Detect(predDepth, valid, settings);
        return FromEdges(predEdges, gtEdges, predDepth.Width, predDepth.Height, settings.Theta, settings.Tolerance);
    }

    /// <summary>The metrics for given edge maps (for example hand-made ground-truth edges, as iBims-1 provides).</summary>
    public static MetricValues FromEdges(bool[] predEdges, bool[] gtEdges, int width, int height, double theta, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(predEdges);
        ArgumentNullException.ThrowIfNull(gtEdges);
        if (predEdges.Length != width * height || gtEdges.Length != width * height)
            throw new ArgumentException($"edge maps must have {width}x{height} pixels, got {predEdges.Length} and {gtEdges.Length}", nameof(predEdges));
        if (!(theta > 0) || double.IsInfinity(theta)) throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be positive and finite");
        if (!(tolerance >= 0) || double.IsInfinity(tolerance)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be finite and >= 0");

        int gtCount = gtEdges.Count(e => e), predCount = predEdges.Count(e => e);
        if (gtCount == 0)
            return new MetricValues((DbeAccuracy, double.NaN), (DbeCompleteness, double.NaN), (EdgePrecision, double.NaN), (EdgeRecall, double.NaN));

        var toGt = DistanceTransform.Euclidean(gtEdges, width, height);
        var toPred = DistanceTransform.Euclidean(predEdges, width, height);

        double nearSum = 0, truncatedSum = 0;
        int near = 0, predMatched = 0, gtMatched = 0;
        for (int i = 0; i < predEdges.Length; i++)
        {
            if (predEdges[i])
            {
                if (toGt[i] < theta) { nearSum += toGt[i]; near++; }
                if (toGt[i] <= tolerance) predMatched++;
            }
            if (gtEdges[i])
            {
                truncatedSum += Math.Min(toPred[i], theta);
                if (toPred[i] <= tolerance) gtMatched++;
            }
        }
        double accuracy = near == 0 ? theta : nearSum / near;
        double completeness = near == 0 ? theta : truncatedSum / gtCount;
        return new MetricValues(
            (DbeAccuracy, accuracy), (DbeCompleteness, completeness),
            (EdgePrecision, predCount == 0 ? 0 : (double)predMatched / predCount), (EdgeRecall, (double)gtMatched / gtCount));
    }
}
