using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class DistanceTransformTests
{
    [Theory]
    [InlineData(1, 17, 13, 0.02)]
    [InlineData(2, 31, 9, 0.1)]
    [InlineData(3, 1, 25, 0.2)]
    [InlineData(4, 40, 1, 0.05)]
    [InlineData(5, 23, 29, 0.5)]
    [InlineData(6, 16, 16, 0.004)]
    public void MatchesBruteForceOnRandomMasks(int seed, int width, int height, double density)
    {
        var rng = new Random(seed);
        var features = Enumerable.Range(0, width * height).Select(_ => rng.NextDouble() < density).ToArray();
        features[rng.Next(features.Length)] = true; // at least one
        var fast = DistanceTransform.Euclidean(features, width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double best = double.PositiveInfinity;
            for (int i = 0; i < features.Length; i++)
                if (features[i]) best = Math.Min(best, Math.Sqrt((x - i % width) * (x - i % width) + (y - i / width) * (y - i / width)));
            Assert.Equal(best, fast[y * width + x], 10);
        }
    }

    [Fact]
    public void NoFeatureMeansInfinitelyFar()
    {
        Assert.All(DistanceTransform.Euclidean(new bool[12], 4, 3), d => Assert.True(double.IsPositiveInfinity(d)));
    }

    [Fact]
    public void SinglePointGivesExactEuclideanDistances()
    {
        var f = new bool[5 * 4];
        f[0] = true;
        var d = DistanceTransform.Euclidean(f, 5, 4);
        Assert.Equal(5.0, d[3 * 5 + 4], 12); // (4, 3): 3-4-5 triangle
        Assert.Equal(Math.Sqrt(2), d[1 * 5 + 1], 12);
    }
}
