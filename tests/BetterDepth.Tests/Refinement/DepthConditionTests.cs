using BetterDepth.Geometry;
using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

public class DepthConditionTests
{
    static DepthMap Ramp(DepthKind kind, Func<int, float> f, int n = 100)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = f(i);
        return new DepthMap(n, 1, kind, v);
    }

    [Fact]
    public void DisparityIsNormalisedByItsQuantilesNearIsPlusOne()
    {
        var c = DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, i => i));
        Assert.Equal(DepthKind.Normalized, c.Kind);
        Assert.Equal(-1f, c.Values[0]);
        Assert.Equal(1f, c.Values[99]);
        // 2% quantile of 0..99 is 1.98, the 98% one 97.02: value 49.5 would map to 0.
        Assert.Equal((49 - 1.98) / (97.02 - 1.98) * 2 - 1, c.Values[49], 4);
        Assert.All(c.Values, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void ShiftAndPositiveScaleDoNotChangeTheCondition()
    {
        var a = DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, i => i));
        var b = DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, i => 3 * i - 500));
        for (int i = 0; i < 100; i++) Assert.Equal(a.Values[i], b.Values[i], 5);
    }

    [Fact]
    public void DepthIsTurnedAroundSoNearIsPlusOne()
    {
        var c = DepthCondition.FromPrior(Ramp(DepthKind.AffineDepth, i => 10 - 0.05f * i));
        Assert.Equal(-1f, c.Values[0]);   // largest depth: far
        Assert.Equal(1f, c.Values[99]);   // smallest depth: near
        var metric = DepthCondition.FromPrior(Ramp(DepthKind.Depth, i => 10 - 0.05f * i));
        Assert.Equal(c.Values, metric.Values);
    }

    [Fact]
    public void NonFiniteValuesAreTreatedAsFar()
    {
        var c = DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, i => i == 50 ? float.NaN : i));
        Assert.Equal(-1f, c.Values[50]);
        Assert.Equal(1f, c.Values[99]);
    }

    [Fact]
    public void UnusableMapsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, _ => float.NaN)));
        Assert.Throws<ArgumentException>(() => DepthCondition.FromPrior(Ramp(DepthKind.AffineDisparity, _ => 4f)));
    }

    /// <summary>
    /// The vectorised condition equals, bit for bit, the definition written out one pixel at a time: reverse depth,
    /// shift the finite values to start at 1 (the rest to 0), take the 2% / 98% quantiles of the positive values from a
    /// sort, and scale in double. Sizes that are not a multiple of the vector width, with NaN, infinities and negatives.
    /// </summary>
    [Theory]
    [InlineData(37, 29, DepthKind.AffineDisparity, 1)]
    [InlineData(64, 48, DepthKind.AffineDepth, 2)]
    [InlineData(5, 3, DepthKind.Depth, 3)]
    public void VectorisedConditionMatchesThePlainDefinitionExactly(int width, int height, DepthKind kind, int seed)
    {
        var rng = new Random(seed);
        var values = Enumerable.Range(0, width * height).Select(i => (i % 97) switch
        {
            3 => float.NaN,
            11 => float.PositiveInfinity,
            17 => float.NegativeInfinity,
            _ => (float)(rng.NextDouble() * 20 - 5),
        }).ToArray();
        var actual = DepthCondition.FromPrior(new DepthMap(width, height, kind, values));

        var ordered = values.Select(v => kind.IsDepthLike() ? -v : v).ToArray();
        float min = ordered.Where(float.IsFinite).Min();
        var shifted = ordered.Select(v => v - min + 1f).Select(v => float.IsFinite(v) ? v : 0f).ToArray();
        var sorted = shifted.Where(v => v > 0).Order().ToArray();
        double low = QuantileNormalization.Quantile(sorted, 0.02), high = QuantileNormalization.Quantile(sorted, 0.98);
        var expected = shifted.Select(v => v > 0 ? (float)Math.Clamp((v - low) / (high - low) * 2.0 - 1.0, -1.0, 1.0) : -1f).ToArray();
        Assert.Equal(expected, actual.Values);
    }
}
