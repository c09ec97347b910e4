using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation.Metrics;

public class MetricAccumulatorTests
{
    [Fact]
    public void AveragesPerImageAndSkipsUndefinedValues()
    {
        var acc = new MetricAccumulator();
        acc.Add(new MetricValues(("abs_rel", 0.1), ("dbe_acc", 2.0)));
        acc.Add(new MetricValues(("abs_rel", 0.3), ("dbe_acc", double.NaN)));
        acc.Add(new MetricValues(("abs_rel", 0.2), ("dbe_acc", 4.0)));
        var mean = acc.Mean();
        Assert.Equal(3, acc.Images);
        Assert.Equal(0.2, mean["abs_rel"], 12);
        Assert.Equal(3.0, mean["dbe_acc"], 12);
        Assert.Equal(2, acc.Counts["dbe_acc"]);
        Assert.Equal(["abs_rel", "dbe_acc"], mean.Keys);
        Assert.Throws<ArgumentException>(() => acc.Add(new MetricValues(("rmse", double.PositiveInfinity))));
        Assert.Throws<ArgumentException>(() => new MetricValues(("a", 1.0), ("a", 2.0)));
    }
}
