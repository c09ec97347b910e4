using System.Buffers;
using System.Numerics;

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

        double low, high;
        // the usable values, gathered so the selections can reorder them; pooled, as this runs once per image
        var gathered = ArrayPool<float>.Shared.Rent(m.PixelCount);
        try
        {
            var usable = GatherUsable(m.Values, valid, gathered, nameof(m));
            if (usable.IsEmpty) throw new ArgumentException("no valid positive value to take quantiles of", nameof(m));
            low = OrderStatistics.Quantile(usable, lowQuantile);
            high = OrderStatistics.Quantile(usable, highQuantile);
        }
        finally { ArrayPool<float>.Shared.Return(gathered); }
        if (!(high > low))
            throw new ArgumentException($"the {lowQuantile} and {highQuantile} quantiles are equal ({low}): a constant map cannot be normalised", nameof(m));

        var result = new float[m.PixelCount];
        Scale(m.Values, valid, low, high, far: m.Kind.IsDisparityLike() ? -1f : 1f, result);
        return (new DepthMap(m.Width, m.Height, DepthKind.Normalized, result), low, high);
    }

    /// <summary>The usable values (valid, and &gt; 0, which NaN is not) in order; a usable infinity is an error.</summary>
    static Span<float> GatherUsable(float[] values, bool[]? valid, float[] into, string parameter)
    {
        int count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!(v > 0) || (valid is not null && !valid[i])) continue;
            if (float.IsPositiveInfinity(v)) throw new ArgumentException($"non-finite value {v} at pixel {i}", parameter);
            into[count++] = v;
        }
        return into.AsSpan(0, count);
    }

    /// <summary>
    /// result = clamp((v - low) / (high - low) * 2 - 1, -1, 1) in double for usable pixels, <paramref name="far"/> for
    /// the rest. Without a mask the vector path decides usability by v &gt; 0 per lane and gives bit for bit the
    /// scalar result (the same double operations, no fused multiply-add).
    /// </summary>
    static void Scale(float[] values, bool[]? valid, double low, double high, float far, float[] result)
    {
        double range = high - low;
        int i = 0;
        if (valid is null && Vector.IsHardwareAccelerated)
        {
            var (lowV, rangeV, two, one) = (new Vector<double>(low), new Vector<double>(range), new Vector<double>(2.0), Vector<double>.One);
            var farV = new Vector<float>(far);
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values, i);
                Vector.Widen(v, out var a, out var b);
                a = Vector.Min(Vector.Max((a - lowV) / rangeV * two - one, -one), one);
                b = Vector.Min(Vector.Max((b - lowV) / rangeV * two - one, -one), one);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), Vector.Narrow(a, b), farV).CopyTo(result, i);
            }
        }
        for (; i < values.Length; i++)
        {
            float v = values[i];
            result[i] = v > 0 && (valid is null || valid[i]) ? (float)Math.Clamp((v - low) / range * 2.0 - 1.0, -1.0, 1.0) : far;
        }
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
