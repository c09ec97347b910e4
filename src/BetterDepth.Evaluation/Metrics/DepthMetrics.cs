namespace BetterDepth.Evaluation;

/// <summary>
/// The standard per-image depth metrics over valid pixels, with the definitions of Marigold's src/util/metric.py
/// (which the BetterDepth paper's tables follow). Inputs are metric depth after alignment; averaging over images is
/// the caller's (<see cref="MetricAccumulator"/>).
/// </summary>
public static class DepthMetrics
{
    public const string AbsRel = "abs_rel", SqRel = "sq_rel", Rmse = "rmse", RmseLog = "rmse_log", Log10 = "log10",
        Delta1 = "delta1", Delta2 = "delta2", Delta3 = "delta3", InverseRmse = "i_rmse", SilogRmse = "silog_rmse";

    /// <summary>The metric names in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = [AbsRel, SqRel, Rmse, RmseLog, Log10, Delta1, Delta2, Delta3, InverseRmse, SilogRmse];

    /// <summary>
    /// abs_rel = mean |p-g|/g; sq_rel = mean (p-g)^2/g; rmse = sqrt mean (p-g)^2; rmse_log = sqrt mean (ln p - ln g)^2;
    /// log10 = mean |log10 p - log10 g|; delta_k = share of pixels with max(p/g, g/p) &lt; 1.25^k (strictly);
    /// i_rmse = rmse of 1/p against 1/g; silog_rmse = 100 * sqrt(mean e^2 - (mean e)^2), e = ln p - ln g.
    /// Every valid pixel must have positive, finite p and g (Marigold clips predictions to &gt;= 1e-6 first:
    /// <see cref="GroundTruthAlignment"/>). Sums are in double.
    /// </summary>
    public static MetricValues Compute(ReadOnlySpan<float> predDepth, ReadOnlySpan<float> gtDepth, ReadOnlySpan<bool> valid)
    {
        if (gtDepth.Length != predDepth.Length) throw new ArgumentException($"ground truth has {gtDepth.Length} pixels, prediction {predDepth.Length}", nameof(gtDepth));
        if (valid.Length != predDepth.Length) throw new ArgumentException($"valid mask has {valid.Length} pixels, prediction {predDepth.Length}", nameof(valid));

        double absRel = 0, sqRel = 0, sq = 0, sqLog = 0, log10 = 0, sqInv = 0, sumLog = 0;
        long d1 = 0, d2 = 0, d3 = 0, n = 0;
        for (int i = 0; i < predDepth.Length; i++)
        {
            if (!valid[i]) continue;
            double p = predDepth[i], g = gtDepth[i];
            if (!(p > 0) || !double.IsFinite(p)) throw new ArgumentException($"prediction must be positive and finite at valid pixel {i}, got {p}", nameof(predDepth));
            if (!(g > 0) || !double.IsFinite(g)) throw new ArgumentException($"ground truth must be positive and finite at valid pixel {i}, got {g}", nameof(gtDepth));
            n++;
            double diff = p - g, logDiff = Math.Log(p) - Math.Log(g);
            absRel += Math.Abs(diff) / g;
            sqRel += diff * diff / g;
            sq += diff * diff;
            sqLog += logDiff * logDiff;
            sumLog += logDiff;
            log10 += Math.Abs(Math.Log10(p) - Math.Log10(g));
            double inv = 1.0 / p - 1.0 / g;
            sqInv += inv * inv;
            double ratio = Math.Max(p / g, g / p);
            if (ratio < 1.25) d1++;
            if (ratio < 1.25 * 1.25) d2++;
            if (ratio < 1.25 * 1.25 * 1.25) d3++;
        }
        if (n == 0) throw new ArgumentException("no valid pixel to compute metrics on", nameof(valid));

        double meanLog = sumLog / n;
        // mean(e^2) - mean(e)^2 is a variance; rounding can push it a hair below zero for a perfect prediction.
        double silogVariance = Math.Max(sqLog / n - meanLog * meanLog, 0);
        return new MetricValues(
            (AbsRel, absRel / n), (SqRel, sqRel / n), (Rmse, Math.Sqrt(sq / n)), (RmseLog, Math.Sqrt(sqLog / n)),
            (Log10, log10 / n), (Delta1, (double)d1 / n), (Delta2, (double)d2 / n), (Delta3, (double)d3 / n),
            (InverseRmse, Math.Sqrt(sqInv / n)), (SilogRmse, 100 * Math.Sqrt(silogVariance)));
    }
}
