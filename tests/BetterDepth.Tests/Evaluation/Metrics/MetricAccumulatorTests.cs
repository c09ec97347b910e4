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
        Assert.Throws<ArgumentException>(() => acc.Add(new MetricValues(("abs_rel", 5.0), ("rmse", double.PositiveInfinity))));
        Assert.Equal(0.2, acc.Mean()["abs_rel"], 12); // the rejected image changed nothing
        Assert.Equal(3, acc.Images);
        Assert.Throws<ArgumentException>(() => new MetricValues(("a", 1.0), ("a", 2.0)));
    }

    [Fact]
    public void StandardErrorIsTheImagesSpreadOverRootCount()
    {
        var acc = new MetricAccumulator();
        acc.Add(new MetricValues(("abs_rel", 0.1), ("dbe_acc", 2.0)));
        Assert.True(double.IsNaN(acc.StandardError()["abs_rel"])); // one image: no spread to measure
        acc.Add(new MetricValues(("abs_rel", 0.3), ("dbe_acc", double.NaN)));
        acc.Add(new MetricValues(("abs_rel", 0.2), ("dbe_acc", 4.0)));
        var se = acc.StandardError();
        Assert.Equal(0.1 / Math.Sqrt(3), se["abs_rel"], 12); // sample sd 0.1
        Assert.Equal(1.0, se["dbe_acc"], 12);                 // the NaN left out: sd of 2 and 4 is sqrt(2), over sqrt(2)
    }

    [Fact]
    public void StandardErrorKeepsItsPrecisionFarFromZero()
    {
        // A sum of squares would lose every digit here; the running update does not.
        var acc = new MetricAccumulator();
        foreach (var v in new[] { 1e9 + 1, 1e9 + 2, 1e9 + 3 }) acc.Add(new MetricValues(("rmse", v)));
        Assert.Equal(1 / Math.Sqrt(3), acc.StandardError()["rmse"], 9);
    }
}
