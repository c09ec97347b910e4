using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class GroundTruthAlignmentTests
{
    static DepthMap Map(DepthKind kind, params float[] v) => new(v.Length, 1, kind, v);

    [Fact]
    public void DepthSpaceFitRecoversGroundTruth()
    {
        var gt = Map(DepthKind.Depth, 1, 2, 3, 4, 5, 6);
        var pred = Map(DepthKind.AffineDepth, gt.Values.Select(d => (d - 0.5f) / 4f).ToArray());
        var aligned = GroundTruthAlignment.Align(pred, gt, Enumerable.Repeat(true, 6).ToArray(), AlignmentMode.LeastSquare, 1e-3, 10, out var fit);
        Assert.Equal(DepthKind.Depth, aligned.Kind);
        Assert.Equal(4.0, fit.Scale, 5);
        Assert.Equal(0.5, fit.Shift, 5);
        for (int i = 0; i < 6; i++) Assert.Equal(gt.Values[i], aligned.Values[i], 4);
    }

    [Fact]
    public void DisparityPathMatchesADirectComputation()
    {
        // Ground truth with an invalid 0, a prediction with a non-positive value: both must stay out of the fit.
        float[] gtValues = [1, 2, 4, 0, 5, 8, 2.5f];
        float[] predValues = [0.9f, 0.55f, 0.2f, 0.3f, 0.21f, -0.1f, 0.4f];
        bool[] valid = [true, true, true, false, true, true, true];
        var aligned = GroundTruthAlignment.Align(Map(DepthKind.AffineDisparity, predValues), Map(DepthKind.Depth, gtValues), valid,
            AlignmentMode.LeastSquareDisparity, 0.5, 6.0, out var fit);

        // Direct: fit 1/g on p over indices 0,1,2,4,6 with the normal equations.
        int[] used = [0, 1, 2, 4, 6];
        double mp = used.Average(i => (double)predValues[i]), mt = used.Average(i => (double)(1f / gtValues[i]));
        double sxy = used.Sum(i => (predValues[i] - mp) * ((1f / gtValues[i]) - mt)), sxx = used.Sum(i => (predValues[i] - mp) * (predValues[i] - mp));
        double s = sxy / sxx, b = mt - s * mp;
        Assert.Equal(s, fit.Scale, 9);
        Assert.Equal(b, fit.Shift, 9);
        for (int i = 0; i < gtValues.Length; i++)
        {
            double disparity = Math.Max(s * predValues[i] + b, 1e-3);
            double expected = Math.Max(Math.Clamp(1 / disparity, 0.5, 6.0), 1e-6);
            Assert.Equal(expected, aligned.Values[i], 4);
        }
        // index 5 (p = -0.1) has a fitted disparity below 1e-3 -> depth 1000 -> clipped to the 6 m maximum
        Assert.True(s * predValues[5] + b < 1e-3);
        Assert.Equal(6f, aligned.Values[5]);
    }

    [Fact]
    public void ExactDisparityPredictionGivesGroundTruthBack()
    {
        float[] gt = [1, 2, 4, 5, 8];
        var pred = Map(DepthKind.AffineDisparity, gt.Select(d => 3f / d + 0.2f).ToArray());
        var aligned = GroundTruthAlignment.Align(pred, Map(DepthKind.Depth, gt), [true, true, true, true, true], AlignmentMode.LeastSquareDisparity, 1e-3, 10);
        for (int i = 0; i < gt.Length; i++) Assert.Equal(gt[i], aligned.Values[i], 3);
    }

    [Fact]
    public void NoAlignmentOnlyClips()
    {
        var aligned = GroundTruthAlignment.Align(Map(DepthKind.Depth, -1, 0.5f, 20), Map(DepthKind.Depth, 1, 1, 1), [true, true, true],
            AlignmentMode.None, 0, double.PositiveInfinity);
        Assert.Equal([1e-6f, 0.5f, 20f], aligned.Values);
        var ranged = GroundTruthAlignment.Align(Map(DepthKind.Depth, -1, 0.5f, 20), Map(DepthKind.Depth, 1, 1, 1), [true, true, true],
            AlignmentMode.None, 1e-3, 10);
        Assert.Equal([1e-3f, 0.5f, 10f], ranged.Values);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var a = Map(DepthKind.Depth, 1, 2);
        Assert.Throws<ArgumentException>(() => GroundTruthAlignment.Align(a, Map(DepthKind.Depth, 1, 2, 3), [true, true], AlignmentMode.None, 0, 1));
        Assert.Throws<ArgumentException>(() => GroundTruthAlignment.Align(a, a, [true], AlignmentMode.None, 0, 1));
        var range = Assert.Throws<ArgumentException>(() => GroundTruthAlignment.Align(a, a, [true, true], AlignmentMode.None, 5, 1));
        Assert.Equal("maxDepth", range.ParamName);
        Assert.Throws<ArgumentException>(() => GroundTruthAlignment.Align(Map(DepthKind.Depth, 1, float.NaN), a, [true, true], AlignmentMode.LeastSquare, 0, 10));
        // nothing left for the disparity fit once non-positive predictions are dropped
        Assert.Throws<ArgumentException>(() => GroundTruthAlignment.Align(Map(DepthKind.Disparity, -1, 0), a, [true, true], AlignmentMode.LeastSquareDisparity, 0, 10));
    }
}
