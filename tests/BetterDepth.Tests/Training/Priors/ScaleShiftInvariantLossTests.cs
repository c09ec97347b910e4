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

    /// <summary>One 16x16 image: the top half near (disparity 1), the bottom half at <paramref name="far"/>.</summary>
    static Tensor NearOverFar(float far)
    {
        var target = ones(1, 1, 16, 16);
        target[0, 0, 8.., ..] = tensor(far);
        return target;
    }

    [Theory]
    [InlineData(0.3f, 0.5f, 1, false)]
    [InlineData(0.2f, 0.1f, 1, true)]
    [InlineData(0.2f, 2f, 4, false)]
    [InlineData(0.3f, 1f, 0, false)]
    public void Delta1TermIsTheShareOfMissesWhenNoPixelIsNearTheThreshold(float far, float factor, int rows, bool inNearHalf)
    {
        // `rows` rows of one half predicted `factor` times their disparity; the fit is recomputed here. Every pixel's log
        // ratio ends at least `gap` from log 1.25, so each counts within sigmoid(-gap / softness) of delta1's hard count.
        var target = NearOverFar(far);
        var mask = ones(1, 1, 16, 16, dtype: ScalarType.Bool);
        var prediction = target.clone();
        var first = inNearHalf ? 0 : 8;
        if (rows > 0) prediction[0, 0, first..(first + rows), ..] = prediction[0, 0, first..(first + rows), ..].Times(factor);
        var p = prediction.data<float>().Select(x => (double)x).ToArray();
        var g = target.data<float>().Select(x => (double)x).ToArray();
        double mp = p.Average(), mg = g.Average();
        var scale = p.Zip(g).Sum(z => (z.First - mp) * (z.Second - mg)) / p.Sum(x => (x - mp) * (x - mp));
        var logRatios = p.Zip(g).Select(z => Math.Abs(Math.Log(scale * (z.First - mp) + mg) - Math.Log(z.Second))).ToArray();
        var gap = logRatios.Min(r => Math.Abs(r - Math.Log(1.25)));
        Assert.True(gap > 0.15, $"the construction must keep pixels away from the threshold, closest {gap}");
        var misses = logRatios.Count(r => r > Math.Log(1.25)) / 256.0;

        var term = ScaleShiftInvariantLoss.Compute(prediction, target, mask, gradientWeight: 0, delta1Weight: 1).item<float>()
                   - ScaleShiftInvariantLoss.Compute(prediction, target, mask, gradientWeight: 0).item<float>();
        var slack = 1 / (1 + Math.Exp(gap / ScaleShiftInvariantLoss.Delta1Softness));
        Assert.InRange(term, misses - slack - 1e-4, misses + slack + 1e-4);
    }

    [Fact]
    public void Delta1TermPullsOnPixelsNearTheThresholdMoreThanTheLogRatioDoes()
    {
        // One row of near pixels fitted a little too far (depth 1.29x, just past 1.25x), one row of far pixels hopelessly far
        // (3x). Through the fit every pixel pulls on every other, but against the log ratio, which pulls hardest on the
        // hopeless row, the smooth count moves the pull to the row a small change brings back inside.
        var target = NearOverFar(0.3f);
        var mask = ones(1, 1, 16, 16, dtype: ScalarType.Bool);
        var start = target.clone();
        start[0, 0, 0, ..] = tensor(0.75f);
        start[0, 0, 8, ..] = tensor(0.03f);
        float NearOverHopeless(bool delta1)
        {
            var p = start.clone().requires_grad_(true);
            (ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0, logRatioWeight: delta1 ? 0 : 1, delta1Weight: delta1 ? 1 : 0)
             - ScaleShiftInvariantLoss.Compute(p, target, mask, gradientWeight: 0)).backward();
            var g = p.grad!.abs();
            return g[0, 0, 0, ..].mean().item<float>() / g[0, 0, 8, ..].mean().item<float>();
        }
        var smooth = NearOverHopeless(delta1: true);
        var logRatio = NearOverHopeless(delta1: false);
        Assert.True(smooth > 2.5 * logRatio, $"near-threshold over hopeless pull: smooth count {smooth}, log ratio {logRatio}");
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 1)]
    public void AfterFitTermsLeaveInvalidPixelsOut(double relative, double logRatio, double delta1)
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(5));
        var a = ScaleShiftInvariantLoss.Compute(prediction, target, mask, relativeWeight: relative, logRatioWeight: logRatio, delta1Weight: delta1).item<float>();
        var b = ScaleShiftInvariantLoss.Compute(where(mask, prediction, prediction.Plus(1000)), where(mask, target, zeros_like(target)), mask,
            relativeWeight: relative, logRatioWeight: logRatio, delta1Weight: delta1).item<float>();
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

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void HardImagesWeighByTheirLossToThePowerAndTheWeightsCarryNoGradient(double power)
    {
        // Three images: one fitted well, one badly, one not at all; each image's own loss is the batch-of-one loss.
        var g = new Generator(5);
        var target = rand([3, 1, 16, 16], generator: g).Times(2).Plus(0.1);
        var mask = ones([3, 1, 16, 16], dtype: ScalarType.Bool);
        var noise = rand([3, 1, 16, 16], generator: g);
        var prediction = target.Plus(noise * tensor(new[] { 0.05f, 0.5f, 3f }).reshape(3, 1, 1, 1)).detach().requires_grad_(true);
        var own = Enumerable.Range(0, 3).Select(i => ScaleShiftInvariantLoss.Compute(prediction[i..(i + 1)], target[i..(i + 1)], mask[i..(i + 1)],
            relativeWeight: 1, logRatioWeight: 1, delta1Weight: 1)).ToArray();
        var l = own.Select(t => (double)t.item<float>()).ToArray();
        Assert.True(l[0] < l[1] && l[1] < l[2], $"the images should fit increasingly badly: {string.Join(", ", l)}");
        var w = l.Select(x => Math.Pow(x / l.Average(), power)).ToArray();

        var loss = ScaleShiftInvariantLoss.Compute(prediction, target, mask, relativeWeight: 1, logRatioWeight: 1, delta1Weight: 1, hardImagePower: power);
        Assert.Equal(l.Zip(w, (x, k) => x * k).Sum() / w.Sum(), loss.item<float>(), 4);
        Assert.True(loss.item<float>() > l.Average() + 0.05, "the worst image should raise the batch loss above the plain mean");

        // The gradient is the weighted sum of the images' own gradients with the weights held fixed.
        var batchGradient = autograd.grad([loss], [prediction])[0];
        var expected = zeros_like(prediction);
        for (int i = 0; i < 3; i++)
            expected.PlusInPlace(autograd.grad([own[i]], [prediction], retain_graph: true)[0].Times(w[i] / w.Sum()));
        Assert.True(batchGradient.allclose(expected, rtol: 1e-3, atol: 1e-6), $"max gradient difference {(batchGradient - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void WithoutAHardImagePowerImagesWeighTheSame()
    {
        var (target, mask) = Target();
        var prediction = rand([2, 1, 24, 32], generator: new Generator(6));
        var mean = (ScaleShiftInvariantLoss.Compute(prediction[..1], target[..1], mask[..1]).item<float>()
                    + ScaleShiftInvariantLoss.Compute(prediction[1..], target[1..], mask[1..]).item<float>()) / 2;
        Assert.Equal(mean, ScaleShiftInvariantLoss.Compute(prediction, target, mask).item<float>(), 5);
    }
}
