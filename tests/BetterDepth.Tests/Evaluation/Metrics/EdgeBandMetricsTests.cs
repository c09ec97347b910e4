using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation.Metrics;

public class EdgeBandMetricsTests
{
    const int W = 40, H = 20;

    /// <summary>2 m left of column <paramref name="edge"/>, 4 m from it on; <paramref name="blurred"/> sets the two columns at the step to 3 m.</summary>
    static DepthMap Step(int edge, bool blurred = false)
    {
        var map = new DepthMap(W, H, DepthKind.Depth);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                map[x, y] = blurred && (x == edge - 1 || x == edge) ? 3f : x < edge ? 2f : 4f;
        return map;
    }

    static bool[] AllValid => Enumerable.Repeat(true, W * H).ToArray();

    [Fact]
    public void BlurAtAStepCostsDelta1InTheBandOnly()
    {
        // The band is the two columns at the step and two more on each side: 6 columns, of which the blurred two fail.
        var m = EdgeBandMetrics.Compute(Step(20, blurred: true), Step(20), AllValid);
        Assert.Equal(4.0 / 6, m[EdgeBandMetrics.Delta1AtEdges], 9);
        Assert.Equal(1.0, m[EdgeBandMetrics.Delta1Elsewhere], 9);
    }

    [Fact]
    public void AWrongLayoutAwayFromEdgesCostsDelta1Elsewhere()
    {
        var prediction = Step(20);
        for (int y = 0; y < H; y++) prediction[2, y] = 8f;  // far from the step
        var m = EdgeBandMetrics.Compute(prediction, Step(20), AllValid);
        Assert.Equal(1.0, m[EdgeBandMetrics.Delta1AtEdges], 9);
        Assert.Equal(1.0 - 1.0 / 34, m[EdgeBandMetrics.Delta1Elsewhere], 9);
    }

    [Fact]
    public void MissingDepthAndSmallChangesAreNotEdges()
    {
        var gt = new DepthMap(W, H, DepthKind.Depth);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) gt[x, y] = x < 10 ? 0f : 5f + 0.05f * x;  // sky, then a gentle slope
        var valid = Enumerable.Range(0, W * H).Select(i => i % W >= 10).ToArray();
        var m = EdgeBandMetrics.Compute(gt, gt, valid);
        Assert.True(double.IsNaN(m[EdgeBandMetrics.Delta1AtEdges]));
        Assert.Equal(1.0, m[EdgeBandMetrics.Delta1Elsewhere], 9);
    }

    [Fact]
    public void MismatchedSizesAreRejected() =>
        Assert.Throws<ArgumentException>(() => EdgeBandMetrics.Compute(new DepthMap(W, H - 1, DepthKind.Depth), Step(20), AllValid));
}
