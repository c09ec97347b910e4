using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation.Metrics;

public class DepthMetricsTests
{
    [Fact]
    public void SmallArrayByHand()
    {
        // valid (p, g): (1.2, 1), (1.5, 1), (1.9, 1), (1, 2.5) -> ratios 1.2, 1.5, 1.9, 2.5 fall in delta1, delta2, delta3, none.
        // The fifth pixel is invalid and would dominate every metric if it were counted.
        float[] p = [1.2f, 1.5f, 1.9f, 1, 100];
        float[] g = [1, 1, 1, 2.5f, 1];
        bool[] valid = [true, true, true, true, false];
        var m = DepthMetrics.Compute(p, g, valid);
        Assert.Equal((0.2 + 0.5 + 0.9 + 0.6) / 4, m["abs_rel"], 6);
        Assert.Equal((0.04 + 0.25 + 0.81 + 0.9) / 4, m["sq_rel"], 6);
        Assert.Equal(Math.Sqrt((0.04 + 0.25 + 0.81 + 2.25) / 4), m["rmse"], 6);
        double[] e = [Math.Log(1.2), Math.Log(1.5), Math.Log(1.9), -Math.Log(2.5)];
        Assert.Equal(Math.Sqrt(e.Average(x => x * x)), m["rmse_log"], 6);
        Assert.Equal(e.Average(x => Math.Abs(x)) / Math.Log(10), m["log10"], 6);
        Assert.Equal(0.25, m["delta1"], 12);
        Assert.Equal(0.50, m["delta2"], 12);
        Assert.Equal(0.75, m["delta3"], 12);
        double[] inv = [1 / 1.2 - 1, 1 / 1.5 - 1, 1 / 1.9 - 1, 1 - 1 / 2.5];
        Assert.Equal(Math.Sqrt(inv.Average(x => x * x)), m["i_rmse"], 6);
        Assert.Equal(100 * Math.Sqrt(e.Average(x => x * x) - e.Average() * e.Average()), m["silog_rmse"], 4);
        Assert.Equal(DepthMetrics.Names, m.Keys);
    }

    [Fact]
    public void DeltaThresholdIsStrict()
    {
        // ratio exactly 1.25 is NOT within delta1 (Marigold: max(p/g, g/p) < 1.25)
        var m = DepthMetrics.Compute([1.25f, 1f], [1f, 1f], [true, true]);
        Assert.Equal(0.5, m["delta1"], 12);
    }

    [Fact]
    public void SilogIgnoresAGlobalScale()
    {
        float[] g = [1, 2, 3, 4];
        var m = DepthMetrics.Compute(g.Select(v => v * 3f).ToArray(), g, [true, true, true, true]);
        Assert.Equal(0, m["silog_rmse"], 3);
        Assert.Equal(Math.Log(3), m["rmse_log"], 6);
    }

    [Fact]
    public void RejectsValuesTheMetricsCannotTake()
    {
        Assert.Throws<ArgumentException>(() => DepthMetrics.Compute([0f], [1f], [true]));
        Assert.Throws<ArgumentException>(() => DepthMetrics.Compute([1f], [0f], [true]));
        Assert.Throws<ArgumentException>(() => DepthMetrics.Compute([float.NaN], [1f], [true]));
        Assert.Throws<ArgumentException>(() => DepthMetrics.Compute([1f], [1f], [false]));
        Assert.Throws<ArgumentException>(() => DepthMetrics.Compute([1f, 2f], [1f], [true]));
        // an invalid pixel may hold anything
        Assert.Equal(0, DepthMetrics.Compute([1f, 0f], [1f, 0f], [true, false])["abs_rel"]);
    }
}
