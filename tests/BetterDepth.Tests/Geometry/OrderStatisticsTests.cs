using BetterDepth.Geometry;

namespace BetterDepth.Tests.Geometry;

public class OrderStatisticsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(7, 2)]
    [InlineData(1000, 3)]
    [InlineData(4097, 4)]
    public void SelectionGivesTheSortedQuantiles(int n, int seed)
    {
        var rng = new Random(seed);
        // plain random values, heavy ties, already sorted and reversed runs all meet the partition's edge cases
        foreach (var make in new Func<int, float>[] { _ => (float)rng.NextDouble(), _ => rng.Next(3), i => i, i => -i })
        {
            var values = Enumerable.Range(0, n).Select(make).ToArray();
            var sorted = values.OrderBy(v => v).ToArray();
            foreach (var q in new[] { 0.0, 0.02, 0.5, 0.98, 1.0 })
                Assert.Equal(QuantileNormalization.Quantile(sorted, q), OrderStatistics.Quantile((float[])values.Clone(), q), 12);
            for (int k = 0; k < n; k += Math.Max(1, n / 9))
            {
                var copy = (float[])values.Clone();
                Assert.Equal(sorted[k], OrderStatistics.Select(copy, k));
                Assert.All(copy[..k], v => Assert.True(v <= sorted[k]));
                Assert.All(copy[(k + 1)..], v => Assert.True(v >= sorted[k]));
            }
        }
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => OrderStatistics.Quantile([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistics.Quantile([1f], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistics.Select([1f, 2f], 2));
    }
}
