using BetterDepth.Geometry;

namespace BetterDepth.Evaluation;

/// <summary>Settings of the depth-edge detector and the distances used by the iBims-1 boundary metrics.</summary>
/// <param name="Sigma">Gaussian sigma in pixels (iBims-1: sqrt 2).</param>
/// <param name="LowThreshold">Hysteresis low threshold on the Sobel magnitude of the [0, 1]-normalised depth (iBims-1: 0.15).</param>
/// <param name="HighThreshold">Hysteresis high threshold (iBims-1: 0.3).</param>
/// <param name="Theta">Neighbourhood / truncation distance in pixels for the boundary errors (iBims-1: 10).</param>
/// <param name="Tolerance">An edge pixel matches when the other map has an edge within this distance (edge precision and recall).</param>
public sealed record DepthEdgeSettings(double Sigma, double LowThreshold, double HighThreshold, double Theta, double Tolerance)
{
    public static DepthEdgeSettings IBims { get; } = new(Math.Sqrt(2), 0.15, 0.3, 10.0, 1.0);
}

/// <summary>Depth discontinuities found the way iBims-1 finds them in a prediction: Canny on the depth normalised to [0, 1].</summary>
public static class DepthEdges
{
    /// <summary>
    /// Min-max normalises the depth over the usable pixels (inside <paramref name="valid"/> and &gt; 0; iBims-1 treats 0 as
    /// missing) and runs <see cref="CannyEdges"/> with the usable pixels as mask. A constant map has no edges.
    /// </summary>
    public static bool[] Detect(DepthMap depth, bool[] valid, DepthEdgeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(settings);
        MapChecks.SameLength(depth.PixelCount, valid.Length, nameof(valid), "valid mask");

        var usable = new bool[depth.PixelCount];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < usable.Length; i++)
        {
            usable[i] = valid[i] && depth.Values[i] > 0;
            if (!usable[i]) continue;
            if (!float.IsFinite(depth.Values[i])) throw new ArgumentException($"non-finite depth {depth.Values[i]} at pixel {i}", nameof(depth));
            min = Math.Min(min, depth.Values[i]);
            max = Math.Max(max, depth.Values[i]);
        }
        if (!(max > min)) return new bool[depth.PixelCount];

        var normalized = new double[depth.PixelCount];
        for (int i = 0; i < normalized.Length; i++)
            normalized[i] = usable[i] ? (depth.Values[i] - min) / (max - min) : 0;
        return CannyEdges.Detect(normalized, depth.Width, depth.Height, settings.Sigma, settings.LowThreshold, settings.HighThreshold, usable);
    }
}
