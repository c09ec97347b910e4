using BetterDepth.Geometry;
using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// BetterDepth's division of labour made explicit at the output: the global layout from the feed-forward prior, the
/// fine detail from the diffusion refiner. The refined map r is fitted to the prior's disparity p by least squares
/// (a r + b), and the low frequencies of what still differs are given back to the prior:
/// <c>r' = r + G_sigma(p - a r - b) / a</c>, clipped to the range of r. Edges and thin structures (above G's cut-off) stay the refiner's; a slow
/// drift of the refined map over the image does not. Not in the paper; off unless a refiner's defaults or the caller
/// set sigma (docs/refinement.md has the measurements).
/// </summary>
public static class PriorLayout
{
    /// <param name="sigma">Gaussian sigma in pixels of the maps (the processing resolution); must be positive.</param>
    public static DepthMap Fuse(DepthMap refined, DepthMap prior, double sigma)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be a positive number, got {sigma}");
        if (refined.Width != prior.Width || refined.Height != prior.Height)
            throw new ArgumentException($"refined map is {refined.Width}x{refined.Height}, prior {prior.Width}x{prior.Height}");
        var p = Disparity(prior);
        var r = refined.Values;
        var valid = new bool[r.Length];
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        int count = 0;
        for (int i = 0; i < r.Length; i++)
        {
            if (float.IsFinite(r[i])) { lo = Math.Min(lo, r[i]); hi = Math.Max(hi, r[i]); }
            valid[i] = float.IsFinite(p[i]) && float.IsFinite(r[i]);
            if (valid[i]) count++;
        }
        if (count < 2 || !(hi > lo)) return refined; // a flat refined map: no scale to fit
        var (a, b) = LeastSquares.Fit(r, p, valid);
        if (!(Math.Abs(a) > 1e-12)) return refined;
        var residual = new float[r.Length];
        var weights = new float[r.Length];
        for (int i = 0; i < r.Length; i++)
            if (valid[i]) { residual[i] = (float)(p[i] - (a * r[i] + b)); weights[i] = 1; }
        var (smooth, _) = MaskedGaussianBlur.Apply(residual, weights, refined.Width, refined.Height, sigma);
        var fused = new float[r.Length];
        // Kept within the refined map's own range, so the pipeline's [0, 1] output stays in [0, 1].
        for (int i = 0; i < r.Length; i++) fused[i] = valid[i] ? Math.Clamp((float)(r[i] + smooth[i] / a), lo, hi) : r[i];
        return new DepthMap(refined.Width, refined.Height, refined.Kind, fused);
    }

    /// <summary>The prior as disparity: itself for disparity kinds, 1/depth for metric depth, reversed order for affine depth.</summary>
    static float[] Disparity(DepthMap prior)
    {
        if (prior.Kind != DepthKind.Depth) return DepthCondition.AsDisparity(prior).Values;
        var v = new float[prior.PixelCount];
        for (int i = 0; i < v.Length; i++) v[i] = prior.Values[i] > 0 ? 1f / prior.Values[i] : float.NaN;
        return v;
    }
}
