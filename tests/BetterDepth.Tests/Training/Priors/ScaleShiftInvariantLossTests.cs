using BetterDepth.Compute;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training.Priors;

public class ScaleShiftInvariantLossTests
{
    static (Tensor target, Tensor mask) Target()
    {
        var g = new Generator(1);
        var target = rand([2, 1, 24, 32], generator: g).Times(2).Plus(0.1);
        var mask = rand([2, 1, 24, 32], generator: g).Greater(0.2);
        return (target, mask);
    }

    /// <summary>One 8x8 image: far pixels (disparity 0.2) on the left half, near ones (1) on the right, all valid.</summary>
    static (Tensor target, Tensor mask) FarAndNear()
    {
        var target = ones(1, 1, 8, 8);
        target[0, 0, .., ..4] = tensor(0.2f);
        return (target, ones(1, 1, 8, 8, dtype: ScalarType.Bool));
    }

    [Fact]
    public void PerfectlyAffinePredictionHasZeroLoss()
    {
        var (target, mask) = Target();
        using var loss = ScaleShiftInvariantLoss.Compute(target.Times(3.7).Minus(5), target, mask);
        Assert.InRange(loss.item<float>(), 0, 1e-4);
    }

    [Fact]
    public void InvariantToScaleAndShiftOfThePrediction()
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(2));
        var a = ScaleShiftInvariantLoss.Compute(prediction, target, mask).item<float>();
        var b = ScaleShiftInvariantLoss.Compute(prediction.Times(0.02).Plus(40), target, mask).item<float>();
        Assert.True(a > 0.1, $"a random prediction should have a clear loss, got {a}");
        Assert.Equal(a, b, 3);
    }

    [Fact]
    public void AnInvertedPredictionIsPenalised()
    {
        // Depth-like output (far = large) must not pass as disparity: the orientation is part of the contract.
        var (target, mask) = Target();
        var loss = ScaleShiftInvariantLoss.Compute(-target, target, mask).item<float>();
        Assert.True(loss > 1, $"an inverted prediction should cost a lot, got {loss}");
    }

    [Fact]
    public void InvalidPixelsTakeNoPart()
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(3));
        var changed = where(mask, prediction, prediction.Plus(1000));
        var badTarget = where(mask, target, ones_like(target).Times(1e6));
        var a = ScaleShiftInvariantLoss.Compute(prediction, target, mask).item<float>();
        var b = ScaleShiftInvariantLoss.Compute(changed, badTarget, mask).item<float>();
        Assert.Equal(a, b, 4);
    }

    [Fact]
    public void GradientFlowsThroughTheClosedFormAlignment()
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(4)).requires_grad_(true);
        ScaleShiftInvariantLoss.Compute(prediction, target, mask).backward();
        Assert.True(prediction.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var (target, mask) = Target();
        Assert.Throws<ArgumentException>(() => ScaleShiftInvariantLoss.Compute(zeros(2, 1, 24, 16), target, mask));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void AfterFitTermsAreZeroForAnAffinePrediction(double relative, double logRatio)
    {
        var (target, mask) = Target();
        using var loss = ScaleShiftInvariantLoss.Compute(target.Times(0.3).Plus(2), target, mask, relativeWeight: relative, logRatioWeight: logRatio);
        Assert.InRange(loss.item<float>(), 0, 1e-4);
    }

    [Fact]
    public void RelativeTermWeighsFarPixelsMore()
    {
        // The same disparity error costs the L1 term the same anywhere; the relative term charges it where disparity is small.
        var (target, mask) = FarAndNear();
        var far = target.clone(); far[0, 0, 0, 0] = tensor(0.3f);
        var near = target.clone(); near[0, 0, 0, 7] = tensor(1.1f);
        float Extra(Tensor p) => ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0, relativeWeight: 1).item<float>()
                                 - ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0).item<float>();
        Assert.True(Extra(far) > 2 * Extra(near), $"far {Extra(far)}, near {Extra(near)}");
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void AfterFitTermsLeaveInvalidPixelsOut(double relative, double logRatio)
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(5));
        var a = ScaleShiftInvariantLoss.Compute(prediction, target, mask, relativeWeight: relative, logRatioWeight: logRatio).item<float>();
        var b = ScaleShiftInvariantLoss.Compute(where(mask, prediction, prediction.Plus(1000)), where(mask, target, zeros_like(target)), mask,
            relativeWeight: relative, logRatioWeight: logRatio).item<float>();
        Assert.Equal(a, b, 4);
    }

    [Fact]
    public void LogRatioTermGrowsWithoutBoundForAPixelFittedFarBeyondItsDepth()
    {
        // Far pixels (disparity 0.2) predicted ever farther: the relative term saturates near 1 per pixel, the log ratio does not.
        var (target, mask) = FarAndNear();
        float Term(float farValue, bool log)
        {
            var p = target.clone(); p[0, 0, ..2, ..4] = tensor(farValue);
            return ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0, relativeWeight: log ? 0 : 1, logRatioWeight: log ? 1 : 0).item<float>()
                   - ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0).item<float>();
        }
        var relativeGrowth = Term(-0.4f, log: false) / Term(0.0f, log: false);
        var logGrowth = Term(-0.4f, log: true) / Term(0.0f, log: true);
        Assert.True(logGrowth > 1.5 * relativeGrowth, $"log ratio grew x{logGrowth}, relative x{relativeGrowth}");
    }

    [Theory]
    [InlineData(-0.4f)]
    [InlineData(-1f)]
    public void LogRatioTermHasFiniteGradientsWhenTheFitCrossesZero(float outlier)
    {
        // Eight far pixels predicted below everything: the least-squares fit puts them at -0.08 and -0.13 (the near pixels
        // keep the fit's scale positive), below zero, where the log is continued linearly.
        var (target, mask) = FarAndNear();
        var p = target.clone(); p[0, 0, ..2, ..4] = tensor(outlier);
        var prediction = p.requires_grad_(true);
        using var loss = ScaleShiftInvariantLoss.Compute(prediction, target, mask, logRatioWeight: 1);
        loss.backward();
        Assert.True(double.IsFinite(loss.item<float>()));
        Assert.True(prediction.grad!.isfinite().all().item<bool>());
        Assert.True(prediction.grad!.abs().sum().item<float>() > 0);
    }
}
