using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training;

public class MultiResolutionNoiseTests
{
    /// <summary>Correlation of horizontally adjacent values: ~0 for white noise, large for pyramid noise.</summary>
    static double NeighbourCorrelation(Tensor n)
    {
        using var a = n[.., .., .., TensorIndex.Slice(0, -1)].flatten();
        using var b = n[.., .., .., TensorIndex.Slice(1, null)].flatten();
        using var ac = a - a.mean();
        using var bc = b - b.mean();
        return ((ac * bc).mean() / (ac.std(unbiased: false) * bc.std(unbiased: false))).item<float>();
    }

    [Theory]
    [InlineData(DownscaleStrategy.Original)]
    [InlineData(DownscaleStrategy.EveryLayer)]
    [InlineData(DownscaleStrategy.PowerOfTwo)]
    [InlineData(DownscaleStrategy.RandomStep)]
    public void UnitStdSameShapeAndLowFrequencyContent(DownscaleStrategy strategy)
    {
        using var x = zeros(4, 4, 48, 64);
        using var n = MultiResolutionNoise.Like(x, 0.9, strategy, new Generator(1));
        Assert.Equal(x.shape, n.shape);
        Assert.Equal(x.dtype, n.dtype);
        Assert.Equal(1.0, n.std().item<float>(), 4);
        Assert.InRange(n.mean().item<float>(), -0.5f, 0.5f);
        Assert.True(NeighbourCorrelation(n) > 0.1, $"{strategy}: correlation {NeighbourCorrelation(n)}");
    }

    [Fact]
    public void SeededGeneratorMakesItDeterministic()
    {
        using var x = zeros(2, 4, 30, 40);
        using var a = MultiResolutionNoise.Like(x, generator: new Generator(42));
        using var b = MultiResolutionNoise.Like(x, generator: new Generator(42));
        using var c = MultiResolutionNoise.Like(x, generator: new Generator(43));
        Assert.True((a == b).all().item<bool>());
        Assert.False(a.allclose(c));
    }

    [Fact]
    public void ZeroStrengthIsWhiteNoise()
    {
        using var x = zeros(2, 4, 48, 64);
        using var n = MultiResolutionNoise.Like(x, 0.0, generator: new Generator(2));
        Assert.InRange(NeighbourCorrelation(n), -0.05, 0.05);
    }

    [Fact]
    public void AnnealingScalesStrengthByTimestep()
    {
        // Sample 0 at t = 0 gets white noise, sample 1 at t = 999 nearly full pyramid noise.
        using var x = zeros(2, 4, 48, 64);
        using var t = tensor(new long[] { 0, 999 });
        using var n = MultiResolutionNoise.LikeAnnealed(x, t, 1000, 0.9, generator: new Generator(3));
        Assert.Equal(x.shape, n.shape);
        Assert.Equal(1.0, n.std().item<float>(), 4);
        Assert.InRange(NeighbourCorrelation(n[0].unsqueeze(0)), -0.05, 0.05);
        Assert.True(NeighbourCorrelation(n[1].unsqueeze(0)) > 0.1, $"correlation {NeighbourCorrelation(n[1].unsqueeze(0))}");
    }

    [Fact]
    public void RejectsBadArguments()
    {
        using var x = zeros(2, 4, 8, 8);
        Assert.Throws<ArgumentException>(() => MultiResolutionNoise.Like(zeros(4, 8, 8)));
        Assert.Throws<ArgumentException>(() => MultiResolutionNoise.Like(zeros(new long[] { 1, 1, 4, 4 }, dtype: ScalarType.Int64)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiResolutionNoise.Like(x, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiResolutionNoise.Like(x, -1));
        Assert.Throws<ArgumentException>(() => MultiResolutionNoise.LikeAnnealed(x, tensor(new long[] { 1 }), 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiResolutionNoise.LikeAnnealed(x, tensor(new long[] { 1, 2 }), 0));
    }
}
