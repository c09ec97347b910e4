using BetterDepth.Geometry;

namespace BetterDepth.Evaluation;

/// <summary>
/// Brings a prediction to metric depth for evaluation, following Marigold's eval script (script/depth/eval.py) step by step:
/// fit a scale and shift (in depth or disparity space), clip to the dataset's depth range, then to a positive floor.
/// </summary>
public static class GroundTruthAlignment
{
    /// <summary>Fitted disparity is clipped from below at this value before inversion, so depth stays finite (Marigold: 1e-3).</summary>
    public const double MinDisparity = 1e-3;

    /// <summary>Depth is clipped from below at this value after the range clip, so every metric's logarithm and ratio are defined (Marigold: 1e-6).</summary>
    public const double MinDepth = 1e-6;

    public static DepthMap Align(DepthMap prediction, DepthMap gtDepth, bool[] valid, AlignmentMode mode, double minDepth, double maxDepth)
        => Align(prediction, gtDepth, valid, mode, minDepth, maxDepth, out _);

    /// <summary>
    /// Returns metric depth (<see cref="DepthKind.Depth"/>) of the prediction's size. <paramref name="fit"/> is the scale and
    /// shift applied (to the prediction in depth space, or in disparity space for <see cref="AlignmentMode.LeastSquareDisparity"/>);
    /// identity for <see cref="AlignmentMode.None"/>.
    /// </summary>
    /// <param name="valid">Pixels with ground truth (the dataset's valid mask, already restricted to its depth range).</param>
    /// <param name="maxDepth">May be +infinity (ETH3D has no upper bound).</param>
    public static DepthMap Align(DepthMap prediction, DepthMap gtDepth, bool[] valid, AlignmentMode mode, double minDepth, double maxDepth, out AffineFit fit)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(gtDepth);
        ArgumentNullException.ThrowIfNull(valid);
        MapChecks.SameSize(prediction, gtDepth, nameof(gtDepth));
        MapChecks.SameLength(prediction.PixelCount, valid.Length, nameof(valid), "valid mask");
        if (double.IsNaN(minDepth) || minDepth < 0) throw new ArgumentException($"minimum depth must be >= 0, got {minDepth}", nameof(minDepth));
        if (double.IsNaN(maxDepth) || maxDepth <= minDepth) throw new ArgumentException($"maximum depth {maxDepth} must exceed the minimum {minDepth}", nameof(maxDepth));
        MapChecks.FiniteEverywhere(prediction.Values, nameof(prediction));
        MapChecks.FiniteWhereValid(gtDepth.Values, valid, nameof(gtDepth));

        var p = prediction.Values;
        var depth = new double[p.Length];
        switch (mode)
        {
            case AlignmentMode.None:
                fit = AffineFit.Identity;
                for (int i = 0; i < p.Length; i++) depth[i] = p[i];
                break;
            case AlignmentMode.LeastSquare:
                fit = LeastSquares.Fit(p, gtDepth.Values, valid);
                for (int i = 0; i < p.Length; i++) depth[i] = fit.Apply(p[i]);
                break;
            case AlignmentMode.LeastSquareDisparity:
                fit = FitDisparity(p, gtDepth.Values, valid);
                for (int i = 0; i < p.Length; i++) depth[i] = 1.0 / Math.Max(fit.Apply(p[i]), MinDisparity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown alignment mode");
        }

        var aligned = new float[p.Length];
        for (int i = 0; i < p.Length; i++)
            aligned[i] = (float)Math.Max(Math.Clamp(depth[i], minDepth, maxDepth), MinDepth);
        return new DepthMap(prediction.Width, prediction.Height, DepthKind.Depth, aligned);
    }

    /// <summary>
    /// Marigold's disparity branch: the ground truth becomes 1/d where d &gt; 0 (0 elsewhere), and the fit uses only
    /// pixels that are valid AND have positive ground truth AND a positive prediction.
    /// </summary>
    static AffineFit FitDisparity(float[] prediction, float[] gtDepth, bool[] valid)
    {
        var gtDisparity = new float[gtDepth.Length];
        var fitMask = new bool[gtDepth.Length];
        for (int i = 0; i < gtDepth.Length; i++)
        {
            if (gtDepth[i] > 0) gtDisparity[i] = 1f / gtDepth[i];
            fitMask[i] = valid[i] && gtDepth[i] > 0 && prediction[i] > 0;
        }
        return LeastSquares.Fit(prediction, gtDisparity, fitMask);
    }
}
