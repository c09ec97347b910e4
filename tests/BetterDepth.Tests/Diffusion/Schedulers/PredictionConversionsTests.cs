using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class PredictionConversionsTests
{
    [Theory]
    [InlineData(0.999)]
    [InlineData(0.5)]
    [InlineData(0.0047)]
    public void AllThreeParametrisationsRoundTrip(double abar)
    {
        var g = new Generator(11);
        using var x0 = randn([3, 4, 5], dtype: ScalarType.Float64, generator: g);
        using var eps = randn([3, 4, 5], dtype: ScalarType.Float64, generator: g);
        using var xt = PredictionConversions.NoisySample(x0, eps, abar);
        using var v = PredictionConversions.Velocity(x0, eps, abar);

        Assert.True(PredictionConversions.OriginalFromVelocity(xt, v, abar).allclose(x0, rtol: 0, atol: 1e-12));
        Assert.True(PredictionConversions.EpsilonFromVelocity(xt, v, abar).allclose(eps, rtol: 0, atol: 1e-12));
        Assert.True(PredictionConversions.OriginalFromEpsilon(xt, eps, abar).allclose(x0, rtol: 0, atol: 1e-9));
        Assert.True(PredictionConversions.EpsilonFromOriginal(xt, x0, abar).allclose(eps, rtol: 0, atol: 1e-9));

        foreach (var (output, type) in new[] { (v, PredictionType.VPrediction), (eps, PredictionType.Epsilon), (x0, PredictionType.Sample) })
        {
            var (o, e) = PredictionConversions.ToOriginalAndEpsilon(output, xt, abar, type);
            Assert.True(o.allclose(x0, rtol: 0, atol: 1e-9), type.ToString());
            Assert.True(e.allclose(eps, rtol: 0, atol: 1e-9), type.ToString());
        }
    }

    [Fact]
    public void AtZeroSnrVelocityIsMinusX0AndEpsilonCannotGiveX0()
    {
        var g = new Generator(12);
        using var x0 = randn([8], dtype: ScalarType.Float64, generator: g);
        using var eps = randn([8], dtype: ScalarType.Float64, generator: g);
        using var v = PredictionConversions.Velocity(x0, eps, 0);
        Assert.True(v.allclose(-x0, rtol: 0, atol: 0));
        Assert.True(PredictionConversions.OriginalFromVelocity(eps, v, 0).allclose(x0, rtol: 0, atol: 0));
        Assert.Throws<InvalidOperationException>(() => PredictionConversions.OriginalFromEpsilon(eps, eps, 0));
        Assert.Throws<InvalidOperationException>(() => PredictionConversions.EpsilonFromOriginal(x0, x0, 1));
    }
}
