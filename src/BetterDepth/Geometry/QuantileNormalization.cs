using BetterDepth.Imaging;

namespace BetterDepth.Geometry;

/// <summary>
/// Maps an affine-invariant map into the diffusion space [-1, 1], as Marigold's ScaleShiftDepthNormalizer does for
/// training labels: the low and high quantiles of the valid values go to -1 and +1, everything is clipped to [-1, 1].
/// </summary>
public static class QuantileNormalization
{
    /// <summary>
    /// Normalises <paramref name="m"/>. A pixel counts as valid when <paramref name="valid"/> says so (all pixels when null)
    /// AND its value is &gt; 0, as in Marigold. Quantiles interpolate linearly between order statistics (torch.quantile).
    /// Invalid pixels are set to the far plane, as Marigold's datasets do: +1 for depth-like maps, -1 for disparity-like
    /// maps (small disparity is far). Returns the values that went to -1 (<c>low</c>) and +1 (<c>high</c>).
    /// </summary>
    public static (DepthMap normalized, double low, double high) Normalize(DepthMap m, bool[]? valid, double lowQuantile = 0.02, double highQuantile = 0.98)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (valid is not null) MapChecks.SameLength(m.PixelCount, valid.Length, nameof(valid), "valid mask");
        if (!(lowQuantile >= 0 && lowQuantile < highQuantile && highQuantile <= 1))
            throw new ArgumentException($"quantiles must satisfy 0 <= low < high <= 1, got {lowQuantile} and {highQuantile}", nameof(lowQuantile));
        if (m.Kind == DepthKind.Normalized) throw new ArgumentException("map is already normalised", nameof(m));

        var usable = new bool[m.PixelCount];
        int count = 0;
        for (int i = 0; i < usable.Length; i++)
        {
            usable[i] = (valid is null || valid[i]) && m.Values[i] > 0;
            if (usable[i]) count++;
        }
        if (count == 0) throw new ArgumentException("no valid positive value to take quantiles of", nameof(m));
        MapChecks.FiniteWhereValid(m.Values, usable, nameof(m));

        var values = new float[count];
        for (int i = 0, k = 0; i < usable.Length; i++) if (usable[i]) values[k++] = m.Values[i];
        double low = OrderStatistics.Quantile(values, lowQuantile), high = OrderStatistics.Quantile(values, highQuantile);
        if (!(high > low))
            throw new ArgumentException($"the {lowQuantile} and {highQuantile} quantiles are equal ({low}): a constant map cannot be normalised", nameof(m));

        float far = m.Kind.IsDisparityLike() ? -1f : 1f;
        var result = new float[m.PixelCount];
        for (int i = 0; i < result.Length; i++)
            result[i] = usable[i] ? (float)Math.Clamp((m.Values[i] - low) / (high - low) * 2.0 - 1.0, -1.0, 1.0) : far;
        return (new DepthMap(m.Width, m.Height, DepthKind.Normalized, result), low, high);
    }

    /// <summary>
    /// Inverse of <see cref="Normalize"/> for unclipped values: -1 goes back to <paramref name="low"/>, +1 to
    /// <paramref name="high"/>. <paramref name="kind"/> is what the result means (the kind of the map that was normalised).
    /// </summary>
    public static DepthMap Denormalize(DepthMap normalized, double low, double high, DepthKind kind = DepthKind.AffineDisparity)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(high > low))
            throw new ArgumentException($"need finite low < high, got {low} and {high}", nameof(high));
        if (kind == DepthKind.Normalized) throw new ArgumentException("the result of denormalising cannot be normalised", nameof(kind));
        MapChecks.FiniteEverywhere(normalized.Values, nameof(normalized));

        var result = new float[normalized.PixelCount];
        for (int i = 0; i < result.Length; i++)
            result[i] = (float)((normalized.Values[i] + 1.0) * 0.5 * (high - low) + low);
        return new DepthMap(normalized.Width, normalized.Height, kind, result);
    }

    /// <summary>The q-quantile of ascending <paramref name="sorted"/> values: linear interpolation between the order statistics at position q*(n-1), the default of torch.quantile and numpy.quantile.</summary>
    public static double Quantile(float[] sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0) throw new ArgumentException("no values to take a quantile of", nameof(sorted));
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "quantile must be in [0, 1]");
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double t = position - below;
        return sorted[below] + t * ((double)sorted[above] - sorted[below]);
    }
}
