using BetterDepth.Geometry;
using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// Turns a prior's prediction into the refiner's condition: affine-invariant disparity on the [-1, 1]
/// scale (+1 near, -1 far), the space the refiner was trained in. At test time there is no ground
/// truth to pre-align to, so the prior is normalised by its own 2% / 98% quantiles, exactly as the
/// training targets are.
/// </summary>
public static class DepthCondition
{
    public static DepthMap FromPrior(DepthMap prior)
    {
        // Quantile normalisation counts only positive values as valid, and is invariant to a shift, so the
        // map is first shifted to start at 1: negative or zero outputs (an affine prior may give them) stay usable.
        var disparity = ShiftedPositive(AsDisparity(prior));
        var (normalized, _, _) = QuantileNormalization.Normalize(disparity, valid: null);
        return normalized;
    }

    /// <summary>
    /// A prior's output as something ordered like disparity (larger = nearer). An affine depth map cannot be
    /// inverted without its unknown shift; reversing its order keeps near/far and the layout, which is what
    /// the condition carries.
    /// </summary>
    public static DepthMap AsDisparity(DepthMap prior) => prior.Kind switch
    {
        DepthKind.Disparity or DepthKind.AffineDisparity or DepthKind.Normalized => prior,
        DepthKind.Depth or DepthKind.AffineDepth => Negated(prior),
        _ => throw new ArgumentException($"unsupported prior output kind {prior.Kind}"),
    };

    static DepthMap Negated(DepthMap m)
    {
        var v = new float[m.PixelCount];
        for (int i = 0; i < v.Length; i++) v[i] = -m.Values[i];
        return new DepthMap(m.Width, m.Height, DepthKind.AffineDisparity, v);
    }

    static DepthMap ShiftedPositive(DepthMap m)
    {
        float min = float.PositiveInfinity;
        foreach (var v in m.Values) if (float.IsFinite(v) && v < min) min = v;
        if (float.IsPositiveInfinity(min)) throw new ArgumentException("the prior's prediction has no finite value");
        var shifted = new float[m.PixelCount];
        for (int i = 0; i < shifted.Length; i++)
        {
            float v = m.Values[i] - min + 1f;
            shifted[i] = float.IsFinite(v) ? v : 0f; // not positive, so invalid: normalisation puts it on the far plane
        }
        return new DepthMap(m.Width, m.Height, DepthKind.AffineDisparity, shifted);
    }
}
