namespace BetterDepth.Geometry;

/// <summary>
/// Closed-form least squares for a scale and shift: argmin over (s, b) of sum over valid pixels of (s*p + b - t)^2.
/// This is what Marigold's evaluation solves with numpy's lstsq on the matrix [p, 1], and what BetterDepth's
/// global pre-alignment of the prior to the label solves during training.
/// </summary>
public static class LeastSquares
{
    /// <summary>
    /// Fits <c>target ~ Scale * prediction + Shift</c> over the pixels where <paramref name="valid"/> is true.
    /// Sums are accumulated in double around the means (two passes), so float inputs of any magnitude fit well.
    /// Degenerate systems (a single valid pixel, or a prediction that is constant over the valid pixels) have no unique
    /// solution; like numpy's lstsq (rcond=None) this returns the minimum-norm one, which maps the constant onto the
    /// target's mean. No valid pixel at all is an <see cref="ArgumentException"/>.
    /// </summary>
    public static AffineFit Fit(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<bool> valid)
    {
        MapChecks.SameLength(prediction.Length, target.Length, nameof(target), "target");
        MapChecks.SameLength(prediction.Length, valid.Length, nameof(valid), "valid mask");
        MapChecks.FiniteWhereValid(prediction, valid, nameof(prediction));
        MapChecks.FiniteWhereValid(target, valid, nameof(target));

        long n = 0;
        double sumP = 0, sumT = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            if (!valid[i]) continue;
            n++;
            sumP += prediction[i];
            sumT += target[i];
        }
        if (n == 0) throw new ArgumentException("no valid pixel to fit a scale and shift on", nameof(valid));

        double meanP = sumP / n, meanT = sumT / n;
        double sxx = 0, sxy = 0, sumPSquared = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            if (!valid[i]) continue;
            double dp = prediction[i] - meanP;
            sxx += dp * dp;
            sxy += dp * (target[i] - meanT);
            sumPSquared += (double)prediction[i] * prediction[i];
        }

        if (IsRankDeficient(sxx, sumPSquared, n))
        {
            // Every solution has s*meanP + b = meanT; the shortest (s, b) is parallel to (meanP, 1).
            double k = meanT / (meanP * meanP + 1.0);
            return new AffineFit(k * meanP, k);
        }
        double scale = sxy / sxx;
        return new AffineFit(scale, meanT - scale * meanP);
    }

    /// <summary>
    /// numpy's lstsq drops singular values below eps * max(rows, cols) * the largest one. For [p, 1] the smallest singular
    /// value is about sqrt(sxx) and the largest about sqrt(sum p^2 + n), which gives this cut-off.
    /// </summary>
    static bool IsRankDeficient(double sxx, double sumPSquared, long n)
    {
        if (n < 2 || sxx <= 0) return true;
        double largest = Math.Sqrt(sumPSquared + n);
        const double machineEpsilon = 2.220446049250313e-16;
        return Math.Sqrt(sxx) <= machineEpsilon * Math.Max(n, 2) * largest;
    }
}
