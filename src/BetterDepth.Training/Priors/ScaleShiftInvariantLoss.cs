using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Training.Priors;

/// <summary>
/// MiDaS's scale-and-shift-invariant loss in disparity space. Per image, prediction and target disparity
/// are each brought to zero mean and unit mean absolute deviation over the valid pixels (so near indoor
/// scenes and far outdoor scenes weigh the same, and the network is never asked for a particular scale or
/// shift), and the loss is the mean absolute difference plus, optionally, MiDaS's multi-scale
/// gradient-matching term on the residual. Unlike a least-squares fit, this normalisation never flips
/// the sign: a prediction that is depth-like instead of disparity-like is penalised, so the output keeps
/// the disparity orientation (near = large) that downstream code relies on.
/// Invalid pixels (sky, missing ground truth) take no part anywhere.
/// An optional third term is the relative disparity error after each image's least-squares fit, which is what
/// Marigold's evaluation measures: with depth 1/(s p + t), AbsRel is |s p + t - g| / (s p + t). The L1 term weighs an
/// error in disparity units the same everywhere, so far pixels (small disparity) count little in it and much in AbsRel.
/// An optional fourth term is the absolute log of the depth ratio after the same fit, the quantity delta1 thresholds: the
/// relative term is bounded (at most 1) for a pixel fitted too far, however far, while its depth ratio is not; the log
/// ratio charges it without bound, and charges too near and too far alike, as delta1 does.
/// An optional fifth term is delta1's own miss count made smooth: per pixel, a sigmoid of the log ratio's distance past
/// log 1.25. The log ratio pulls hardest on the worst pixels; this term pulls on the ones near the threshold, which are
/// the ones a small change can bring inside it, and leaves alone pixels far inside or hopelessly outside.
/// The batch's loss is the mean over its images, or, with a hard-image power P > 0, their mean weighted by
/// (image loss / batch mean)^P (the weights carry no gradient): the metrics average per image, so one scene the network
/// gets badly wrong costs as much as many it gets a little wrong, and a rare kind of scene is otherwise outvoted.
/// </summary>
internal static class ScaleShiftInvariantLoss
{
    /// <summary>Images with fewer valid pixels than this carry no weight (the fit would be meaningless).</summary>
    public const int MinValidPixels = 16;

    /// <param name="prediction">[B, 1, H, W] predicted disparity.</param>
    /// <param name="targetDisparity">[B, 1, H, W] ground-truth disparity (any positive scale; invalid pixels arbitrary but finite).</param>
    /// <param name="valid">[B, 1, H, W] boolean or 0/1 mask.</param>
    /// <param name="gradientWeight">Weight of the gradient-matching term (MiDaS uses 0.5; 0 turns it off).</param>
    /// <param name="gradientScales">Number of scales of the gradient term (each halves the resolution).</param>
    /// <param name="relativeWeight">Weight of the relative error after the least-squares fit (0, MiDaS's loss, turns it off).</param>
    /// <param name="logRatioWeight">Weight of the absolute log depth ratio after the least-squares fit (0 turns it off).</param>
    /// <param name="delta1Weight">Weight of the smooth share of pixels outside delta1's threshold after the fit (0 turns it off).</param>
    /// <param name="hardImagePower">Power of each image's loss relative to the batch mean in its weight (0: images weigh the same).</param>
    public static Tensor Compute(Tensor prediction, Tensor targetDisparity, Tensor valid, double gradientWeight = 0.5, int gradientScales = 4,
        double relativeWeight = 0, double logRatioWeight = 0, double delta1Weight = 0, double hardImagePower = 0)
    {
        if (prediction.ndim != 4 || !prediction.shape.SequenceEqual(targetDisparity.shape) || !prediction.shape.SequenceEqual(valid.shape))
            throw new ArgumentException($"prediction [{string.Join(", ", prediction.shape)}], target [{string.Join(", ", targetDisparity.shape)}] and mask [{string.Join(", ", valid.shape)}] must all be [B, 1, H, W] of the same shape");
        using var scope = NewDisposeScope();
        var m = valid.to(prediction.dtype);
        var dims = new long[] { 1, 2, 3 };
        var n = m.sum(dims, keepdim: true);
        var used = (n >= MinValidPixels).to(prediction.dtype);
        var nSafe = n.AtLeast(1);

        var targetRaw = targetDisparity.to(prediction.dtype);
        var (centredTarget, meanTarget) = Centre(targetRaw, m, nSafe, dims);
        var (centredPrediction, _) = Centre(prediction, m, nSafe, dims);
        var residual = (UnitDeviation(centredPrediction, nSafe, dims) - UnitDeviation(centredTarget, nSafe, dims)) * m;

        var perImage = residual.abs().sum(dims, keepdim: true) / nSafe;
        if (gradientWeight > 0)
            perImage = perImage.Plus(GradientMatching(residual, m, gradientScales, nSafe).Times(gradientWeight));
        if (relativeWeight > 0 || logRatioWeight > 0 || delta1Weight > 0)
        {
            var (fitted, floor) = FitToTarget(centredPrediction, centredTarget, meanTarget, dims);
            var target = maximum(targetRaw, floor);
            if (relativeWeight > 0)
                perImage = perImage.Plus(MeanOverValid((fitted - targetRaw).abs() / target, m, nSafe, dims).Times(relativeWeight));
            if (logRatioWeight > 0 || delta1Weight > 0)
            {
                var logRatio = (LogAboveFloor(fitted, floor) - target.log()).abs();
                if (logRatioWeight > 0)
                    perImage = perImage.Plus(MeanOverValid(logRatio, m, nSafe, dims).Times(logRatioWeight));
                if (delta1Weight > 0)
                    perImage = perImage.Plus(MeanOverValid(((logRatio - Math.Log(1.25)) / Delta1Softness).sigmoid(), m, nSafe, dims).Times(delta1Weight));
            }
        }
        var weight = hardImagePower > 0 ? HardImageWeights(perImage, used, hardImagePower) : used;
        var loss = (perImage * weight).sum() / weight.sum().AtLeast(1e-12);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>(image loss / mean loss of the used images)^power for used images, 0 for the others; no gradient.</summary>
    static Tensor HardImageWeights(Tensor perImage, Tensor used, double power)
    {
        var l = perImage.detach().AtLeast(0) * used;
        var mean = l.sum() / used.sum().AtLeast(1);
        return (l / mean.AtLeast(1e-12)).Power(power) * used;
    }

    /// <summary>t minus its mean over valid pixels, per image, zero where invalid; and that mean.</summary>
    static (Tensor Centred, Tensor Mean) Centre(Tensor t, Tensor m, Tensor n, long[] dims)
    {
        var mean = (t * m).sum(dims, keepdim: true) / n;
        return ((t - mean) * m, mean);
    }

    /// <summary>A centred map scaled to unit mean absolute deviation over valid pixels, per image.</summary>
    static Tensor UnitDeviation(Tensor centred, Tensor n, long[] dims) =>
        centred / (centred.abs().sum(dims, keepdim: true) / n).AtLeast(1e-8);

    /// <summary>
    /// s p + t, (s, t) the least-squares fit of p to g (gradients flow through it), from the centred maps cp, ct and the
    /// target's mean; and the floor (2% of the image's mean target disparity) below which neither the target divides nor
    /// the fit's logarithm is taken, so an early, poor fit cannot divide by zero.
    /// </summary>
    static (Tensor Fitted, Tensor Floor) FitToTarget(Tensor cp, Tensor ct, Tensor meanT, long[] dims)
    {
        var scale = (cp * ct).sum(dims, keepdim: true) / (cp * cp).sum(dims, keepdim: true).AtLeast(1e-12);
        return (cp * scale + meanT, meanT.Times(RelativeFloor).AtLeast(1e-8));
    }

    /// <summary>log x above the floor, continued below it by its tangent, so a fit at or below zero keeps a finite gradient.</summary>
    static Tensor LogAboveFloor(Tensor x, Tensor floor) => maximum(x, floor).log().Plus((x - floor).ClampedAbove(0) / floor);

    static Tensor MeanOverValid(Tensor perPixel, Tensor m, Tensor n, long[] dims) => (perPixel * m).sum(dims, keepdim: true) / n;

    /// <summary>Width in log ratio of the smooth delta1 step: a pixel 1.05x inside the threshold counts 0.27 of a miss, 1.16x inside 0.05.</summary>
    internal const double Delta1Softness = 0.05;

    /// <summary>Smallest denominator of the relative term, as a fraction of the image's mean target disparity.</summary>
    const double RelativeFloor = 0.02;

    /// <summary>MiDaS gradient matching: L1 of the residual's x and y differences at several scales, per image.</summary>
    static Tensor GradientMatching(Tensor residual, Tensor m, int scales, Tensor n)
    {
        Tensor total = zeros_like(n);
        for (int k = 0; k < scales; k++)
        {
            var step = 1L << k;
            var r = residual[.., .., TensorIndex.Slice(null, null, step), TensorIndex.Slice(null, null, step)];
            var mk = m[.., .., TensorIndex.Slice(null, null, step), TensorIndex.Slice(null, null, step)];
            if (r.shape[2] < 2 || r.shape[3] < 2) break;
            var mx = mk[.., .., .., 1..] * mk[.., .., .., ..^1];
            var my = mk[.., .., 1.., ..] * mk[.., .., ..^1, ..];
            var gx = (r[.., .., .., 1..] - r[.., .., .., ..^1]).abs() * mx;
            var gy = (r[.., .., 1.., ..] - r[.., .., ..^1, ..]).abs() * my;
            var count = mk.sum([1, 2, 3], keepdim: true).AtLeast(1);
            total = total.Plus(gx.sum([1, 2, 3], keepdim: true).Plus(gy.sum([1, 2, 3], keepdim: true)) / count);
        }
        return total;
    }
}
