using BetterDepth.Compute;
using BetterDepth.Priors.Learned;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Priors.Learned;

[Collection(TorchSeeded.Name)]
public class LayoutCorrectorTests
{
    static LayoutCorrector RandomCorrector(int seed)
    {
        random.manual_seed(seed);
        var corrector = new LayoutCorrector(8);
        using var noGrad = no_grad();
        foreach (var (name, p) in corrector.named_parameters())
            if (name.StartsWith("head.", StringComparison.Ordinal) || name.Contains(".to_out.")) p.copy_(randn_like(p).Times(0.1));
        corrector.eval();
        return corrector;
    }

    [Fact]
    public void AnUntrainedCorrectorLeavesThePriorExactlyAsItWas()
    {
        random.manual_seed(1);
        using var prior = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        prior.eval();
        using var corrector = new LayoutCorrector(8);
        using var corrected = prior.WithLayout(corrector);
        corrected.eval();
        using var image = randn(2, 3, 64, 96);
        using var noGrad = no_grad();
        using var a = prior.forward(image);
        using var b = corrected.forward(image);
        Assert.Equal(8, corrected.Config.LayoutChannels);
        Assert.True(a.eq(b).all().item<bool>(), "a zero correction must multiply the disparity by exactly 1");
    }

    [Fact]
    public void TheCorrectionDependsOnTheDisparitysShapeNotOnItsScale()
    {
        using var corrector = RandomCorrector(2);
        using var image = randn(1, 3, 16, 24);
        using var disparity = rand(1, 1, 16, 24).Plus(0.1);
        using var noGrad = no_grad();
        using var c1 = corrector.forward(image, disparity);
        using var c2 = corrector.forward(image, disparity.Times(7.5));
        using var other = corrector.forward(image, disparity.Squared()); // the same layout with twice the range of ratios
        Assert.Equal([1L, 1, 8, 12], c1.shape);
        Assert.True(c1.abs().max().item<float>() > 1e-3, "a random head must correct something, or the test proves nothing");
        Assert.True((c1 - c2).abs().max().item<float>() < 1e-4, "the prior's disparity is affine-invariant: its scale must not matter");
        Assert.True((c1 - other).abs().max().item<float>() > 1e-3, "a prior with a wider range of ratios must be corrected differently");
    }

    [Fact]
    public void ApplyMultipliesByTheExponentialOfTheUpsampledCorrection()
    {
        using var disparity = rand(1, 1, 16, 24).Plus(0.1);
        using var flat = full(1, 1, 8, 12, Math.Log(2));
        using var doubled = LayoutCorrector.Apply(disparity, flat);
        Assert.True((doubled - disparity.Times(2)).abs().max().item<float>() < 1e-5);

        // A correction that varies left to right rescales the left of the map and not the right.
        using var ramp = cat([full(1, 1, 8, 6, 1.0), zeros(1, 1, 8, 6)], 3);
        using var uneven = LayoutCorrector.Apply(disparity, ramp);
        using var ratio = uneven / disparity;
        Assert.InRange(ratio[0, 0, .., ..4].mean().item<float>(), Math.E - 1e-3, Math.E + 1e-3);
        Assert.InRange(ratio[0, 0, .., ^4..].mean().item<float>(), 1 - 1e-5, 1 + 1e-5);
    }

    [Fact]
    public void ANetworkWithACorrectorGetsNoSecondOneAndChannelsAreChecked()
    {
        using var prior = new PriorCnn(new PriorCnnConfig(16, 96, 64, LayoutChannels: 8));
        using var corrector = new LayoutCorrector(8);
        Assert.Throws<ArgumentException>(() => prior.WithLayout(corrector));
        Assert.Throws<ArgumentException>(() => new LayoutCorrector(12));
        Assert.Throws<ArgumentException>(() => new PriorCnnConfig(16, 96, 64, LayoutChannels: 4).Validate());
    }
}
