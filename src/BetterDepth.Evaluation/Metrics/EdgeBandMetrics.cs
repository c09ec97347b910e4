namespace BetterDepth.Evaluation;

/// <summary>
/// delta1 split by where the pixel lies: in a thin band around the ground truth's depth discontinuities, or elsewhere.
/// A prior that blurs edges (the premise of BetterDepth) loses its delta1 in the band, a prior with a wrong layout loses
/// it elsewhere; the split tells the two apart. Not part of Marigold's or iBims-1's protocol.
/// </summary>
public static class EdgeBandMetrics
{
    public const string Delta1AtEdges = "delta1_at_edges", Delta1Elsewhere = "delta1_elsewhere";

    public static IReadOnlyList<string> Names { get; } = [Delta1AtEdges, Delta1Elsewhere];

    /// <summary>Two 4-neighbours whose ground-truth depths differ by more than this ratio meet at a discontinuity.</summary>
    public const double JumpRatio = 1.1;

    /// <summary>Pixels within this many pixels (in x and in y) of a discontinuity form the band.</summary>
    public const int BandRadius = 2;

    /// <summary>
    /// delta1 (max(p/g, g/p) &lt; 1.25) over the valid pixels inside and outside the band. Only pairs of pixels that both
    /// have positive, finite ground truth are compared, so the borders of sky and of missing depth are not edges (and on
    /// sparse ground truth, such as KITTI's, the band is nearly empty). A part without valid pixels is NaN (undefined;
    /// <see cref="MetricAccumulator"/> leaves it out of the mean).
    /// </summary>
    public static MetricValues Compute(DepthMap predDepth, DepthMap gtDepth, bool[] valid)
    {
        ArgumentNullException.ThrowIfNull(predDepth);
        ArgumentNullException.ThrowIfNull(gtDepth);
        ArgumentNullException.ThrowIfNull(valid);
        if (!predDepth.SameSizeAs(gtDepth))
            throw new ArgumentException($"ground truth is {gtDepth.Width}x{gtDepth.Height}, prediction {predDepth.Width}x{predDepth.Height}", nameof(gtDepth));
        if (valid.Length != gtDepth.PixelCount) throw new ArgumentException($"valid mask has {valid.Length} pixels, the maps {gtDepth.PixelCount}", nameof(valid));

        var band = Band(gtDepth);
        long inBand = 0, inBandGood = 0, outside = 0, outsideGood = 0;
        for (int i = 0; i < valid.Length; i++)
        {
            if (!valid[i]) continue;
            double p = predDepth.Values[i], g = gtDepth.Values[i];
            bool good = Math.Max(p / g, g / p) < 1.25;
            if (band[i]) { inBand++; if (good) inBandGood++; }
            else { outside++; if (good) outsideGood++; }
        }
        return new MetricValues(
            (Delta1AtEdges, inBand == 0 ? double.NaN : (double)inBandGood / inBand),
            (Delta1Elsewhere, outside == 0 ? double.NaN : (double)outsideGood / outside));
    }

    /// <summary>The band: every pixel within <see cref="BandRadius"/> of either side of a discontinuity.</summary>
    internal static bool[] Band(DepthMap gt)
    {
        int w = gt.Width, h = gt.Height;
        var v = gt.Values;
        var marks = new bool[v.Length];
        bool Usable(int i) => v[i] > 0 && float.IsFinite(v[i]);
        bool Jump(int a, int b) => Usable(a) && Usable(b) && Math.Max(v[a] / v[b], v[b] / v[a]) > JumpRatio;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (x + 1 < w && Jump(i, i + 1)) { marks[i] = true; marks[i + 1] = true; }
                if (y + 1 < h && Jump(i, i + w)) { marks[i] = true; marks[i + w] = true; }
            }
        // Dilate by the radius: rows, then columns (a square neighbourhood).
        var rows = new bool[v.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (marks[y * w + x])
                    for (int xx = Math.Max(0, x - BandRadius); xx <= Math.Min(w - 1, x + BandRadius); xx++) rows[y * w + xx] = true;
        var band = new bool[v.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (rows[y * w + x])
                    for (int yy = Math.Max(0, y - BandRadius); yy <= Math.Min(h - 1, y + BandRadius); yy++) band[yy * w + x] = true;
        return band;
    }
}
