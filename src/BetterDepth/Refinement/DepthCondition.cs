using System.Numerics;
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
        var disparity = ShiftedPositive(prior.Values, OrderSign(prior.Kind), prior.Width, prior.Height);
        var (normalized, _, _) = QuantileNormalization.Normalize(disparity, valid: null);
        return normalized;
    }

    /// <summary>
    /// A prior's output as something ordered like disparity (larger = nearer). An affine depth map cannot be
    /// inverted without its unknown shift; reversing its order keeps near/far and the layout, which is what
    /// the condition carries.
    /// </summary>
    public static DepthMap AsDisparity(DepthMap prior)
    {
        if (OrderSign(prior.Kind) > 0) return prior;
        var v = new float[prior.PixelCount];
        for (int i = 0; i < v.Length; i++) v[i] = -prior.Values[i];
        return new DepthMap(prior.Width, prior.Height, DepthKind.AffineDisparity, v);
    }

    /// <summary>+1 for kinds already ordered like disparity, -1 for depth kinds, whose order negation reverses.</summary>
    static float OrderSign(DepthKind kind) => kind switch
    {
        DepthKind.Disparity or DepthKind.AffineDisparity or DepthKind.Normalized => 1f,
        DepthKind.Depth or DepthKind.AffineDepth => -1f,
        _ => throw new ArgumentException($"unsupported prior output kind {kind}"),
    };

    /// <summary>
    /// sign * v - min + 1 over the finite values (min taken over sign * v), 0 where that is not finite: the same float
    /// operations lane by lane as one value at a time, with the order reversal of <see cref="AsDisparity"/> folded in
    /// (multiplying by -1 is exact negation, so the smallest of -v is minus the largest of v).
    /// </summary>
    static DepthMap ShiftedPositive(float[] values, float sign, int width, int height)
    {
        var (lo, hi) = PixelKernels.FiniteRange(values);
        float min = sign > 0 ? lo : -hi;
        if (float.IsPositiveInfinity(min)) throw new ArgumentException("the prior's prediction has no finite value");

        var shifted = new float[values.Length];
        var (signV, minV, one) = (new Vector<float>(sign), new Vector<float>(min), Vector<float>.One);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var y = new Vector<float>(values, i) * signV - minV + one;
            // not finite becomes 0: not positive, so invalid, and normalisation puts it on the far plane
            Vector.ConditionalSelect(PixelKernels.Finite(y), y, Vector<float>.Zero).CopyTo(shifted, i);
        }
        for (; i < values.Length; i++)
        {
            float y = values[i] * sign - min + 1f;
            shifted[i] = float.IsFinite(y) ? y : 0f;
        }
        return new DepthMap(width, height, DepthKind.AffineDisparity, shifted);
    }
}
