using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation.Metrics;

public class DetailMetricsTests
{
    const int W = 64, H = 40;

    /// <summary>A wall at 4 m right of column <paramref name="edge"/> and 2 m left of it, with a 3 m pixel column on the edge, so Canny marks exactly that column.</summary>
    static DepthMap Step(int edge)
    {
        var map = new DepthMap(W, H, DepthKind.Depth);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) map[x, y] = x < edge ? 2f : x == edge ? 3f : 4f;
        return map;
    }

    static bool[] AllValid => Enumerable.Repeat(true, W * H).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public void PredictionShiftedByKPixelsHasBoundaryErrorK(int k)
    {
        var m = DetailMetrics.Compute(Step(28 + k), Step(28), AllValid);
        Assert.Equal(k, m["dbe_acc"], 9);
        Assert.Equal(k, m["dbe_comp"], 9);
        Assert.Equal(k <= 1 ? 1.0 : 0.0, m["edge_precision"], 9);
        Assert.Equal(k <= 1 ? 1.0 : 0.0, m["edge_recall"], 9);
    }

    [Fact]
    public void PerfectPredictionAndFarOffPrediction()
    {
        var perfect = DetailMetrics.Compute(Step(28), Step(28), AllValid);
        Assert.Equal([0.0, 0.0, 1.0, 1.0], perfect.Values);
        var far = DetailMetrics.Compute(Step(45), Step(28), AllValid); // 17 px > theta = 10
        Assert.Equal(10.0, far["dbe_acc"]);
        Assert.Equal(10.0, far["dbe_comp"]);
    }

    [Fact]
    public void ExtraPredictedEdgesHurtAccuracyAndPrecisionNotCompleteness()
    {
        var pred = Step(28);
        for (int y = 0; y < H; y++) for (int x = 34; x < W; x++) pred[x, y] = x == 34 ? 5f : 6f; // a second edge 6 px away
        var m = DetailMetrics.Compute(pred, Step(28), AllValid);
        Assert.Equal(0.0, m["dbe_comp"], 9);
        Assert.Equal(1.0, m["edge_recall"], 9);
        Assert.True(m["dbe_acc"] > 2.5, m.ToString());
        Assert.InRange(m["edge_precision"], 0.3, 0.7);
    }

    [Fact]
    public void NoGroundTruthEdgeGivesUndefinedValues()
    {
        var flat = new DepthMap(W, H, DepthKind.Depth, Enumerable.Repeat(3f, W * H).ToArray());
        var m = DetailMetrics.Compute(Step(28), flat, AllValid);
        Assert.All(m.Values, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void FromEdgesUsesTheGivenMaps()
    {
        // 1x5 strip: GT edge at 0, predicted edges at 1 and 4 -> distances 1 and 4 (both < theta 10)
        var m = DetailMetrics.FromEdges([false, true, false, false, true], [true, false, false, false, false], 5, 1, 10, 1);
        Assert.Equal(2.5, m["dbe_acc"], 12);
        Assert.Equal(1.0, m["dbe_comp"], 12);
        Assert.Equal(0.5, m["edge_precision"], 12);
        Assert.Equal(1.0, m["edge_recall"], 12);
        Assert.Throws<ArgumentException>(() => DetailMetrics.FromEdges(new bool[4], new bool[5], 5, 1, 10, 1));
    }

    [Fact]
    public void HolesInTheGroundTruthAreNotBoundaries()
    {
        // flat 3 m ground truth with a hole (stored as 0) whose border is a huge jump if read naively
        var gt = new DepthMap(W, H, DepthKind.Depth, Enumerable.Repeat(3f, W * H).ToArray());
        var valid = AllValid;
        for (int y = 10; y < 30; y++) for (int x = 20; x < 40; x++) { gt[x, y] = 0; valid[y * W + x] = false; }
        Assert.All(DetailMetrics.Compute(gt.Clone(), gt, valid).Values, v => Assert.True(double.IsNaN(v)));

        // a predicted step inside the hole is not judged; one in the valid area is
        var gtStep = Step(50);
        var inHole = Step(50);
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) inHole[x, y] = x < 50 ? (x is >= 25 and < 35 && y is >= 12 and < 28 ? 1f : 2f) : gtStep[x, y];
        var m = DetailMetrics.Compute(inHole, gtStep, valid);
        Assert.Equal([0.0, 0.0, 1.0, 1.0], m.Values);
    }
}
