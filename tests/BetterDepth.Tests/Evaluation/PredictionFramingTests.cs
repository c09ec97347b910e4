using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class PredictionFramingTests
{
    static readonly bool[] AllValid = [true, true, true, true];
    static DepthMap Map(params float[] v) => new(2, 2, DepthKind.AffineDepth, v);

    [Fact]
    public void DepthFitOfDepthKeepsNegativeValues()
    {
        var (map, fit) = PredictionFraming.ToAlignmentSpace(Map(-1, 0, 2, 4), PredictionContent.Depth, AlignmentMode.LeastSquare, AllValid);
        Assert.Equal([-1f, 0f, 2f, 4f], map.Values);
        Assert.Equal(DepthKind.AffineDepth, map.Kind);
        Assert.Equal(AllValid, fit);
    }

    [Fact]
    public void DisparityFitNeedsPositiveValuesAndInvertsDepth()
    {
        var (same, fit) = PredictionFraming.ToAlignmentSpace(Map(-1, 0, 2, 4), PredictionContent.Disparity, AlignmentMode.LeastSquareDisparity, AllValid);
        Assert.Equal([-1f, 0f, 2f, 4f], same.Values);
        Assert.Equal([false, false, true, true], fit);
        var (inverted, _) = PredictionFraming.ToAlignmentSpace(Map(-1, 0, 2, 4), PredictionContent.Depth, AlignmentMode.LeastSquareDisparity, AllValid);
        Assert.Equal([0f, 0f, 0.5f, 0.25f], inverted.Values);
        Assert.Equal(DepthKind.AffineDisparity, inverted.Kind);
    }

    [Fact]
    public void NoAlignmentTurnsDisparityIntoMetricDepth()
    {
        var (map, _) = PredictionFraming.ToAlignmentSpace(Map(0.5f, 1, 2, 4), PredictionContent.Disparity, AlignmentMode.None, [true, false, true, true]);
        Assert.Equal([2f, 1f, 0.5f, 0.25f], map.Values);
        Assert.Equal(DepthKind.Depth, map.Kind);
    }

    [Fact]
    public void PredictionsOfTheRecordedKittiSizeAreCroppedNotResized()
    {
        var gt = new GroundTruth(new DepthMap(2, 2, DepthKind.Depth), AllValid) { Crop = new FrameCrop(new CropBox(1, 1, 2, 2), 4, 3) };
        var full = new DepthMap(4, 3, DepthKind.AffineDepth, Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        Assert.Equal([5f, 6f, 9f, 10f], PredictionFraming.ToGroundTruthFrame(full, gt).Values);
        var other = new DepthMap(4, 4, DepthKind.AffineDepth, Enumerable.Repeat(3f, 16).ToArray());
        var resized = PredictionFraming.ToGroundTruthFrame(other, gt);
        Assert.Equal((2, 2), (resized.Width, resized.Height));
        Assert.All(resized.Values, v => Assert.Equal(3f, v, 5));
    }
}
