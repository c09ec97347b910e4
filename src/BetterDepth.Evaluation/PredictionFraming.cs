using BetterDepth.Imaging;
namespace BetterDepth.Evaluation;

/// <summary>Brings a prediction file's map into the ground truth's frame and into the space alignment works in.</summary>
public static class PredictionFraming
{
    /// <summary>
    /// Same size: unchanged. The recorded size of a cropped frame (a KITTI prediction made on the full image): the
    /// same crop. Any other size: bilinear resize to the ground truth, as Marigold's pipeline resizes its output back
    /// to the input size.
    /// </summary>
    public static DepthMap ToGroundTruthFrame(DepthMap prediction, GroundTruth gt)
    {
        if (prediction.SameSizeAs(gt.Depth)) return prediction;
        if (gt.Crop is { } crop && prediction.Width == crop.RecordedWidth && prediction.Height == crop.RecordedHeight)
            return crop.Box.Apply(prediction);
        return Resampling.Resize(prediction, gt.Depth.Width, gt.Depth.Height, ResizeFilter.Bilinear, antialias: true);
    }

    /// <summary>
    /// Disparity-space alignment takes disparity, the others take depth: a prediction of the other kind is inverted
    /// first (1/p). Returns the map and the pixels the fit may use: ground-truth-valid, and with a positive prediction
    /// where Marigold requires one (disparity fits) or the value was inverted (non-positive values have no inverse);
    /// a depth-space fit of depth uses every valid pixel, negative affine depth included.
    /// </summary>
    public static (DepthMap Map, bool[] FitValid) ToAlignmentSpace(DepthMap prediction, PredictionContent content, AlignmentMode mode, bool[] valid)
    {
        var wantDisparity = mode == AlignmentMode.LeastSquareDisparity;
        var affine = mode != AlignmentMode.None;
        var kind = wantDisparity
            ? affine ? DepthKind.AffineDisparity : DepthKind.Disparity
            : affine ? DepthKind.AffineDepth : DepthKind.Depth;
        var invert = wantDisparity != (content == PredictionContent.Disparity);
        var needPositive = invert || wantDisparity;
        var source = prediction.Values;
        var values = new float[source.Length];
        var fitValid = new bool[source.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var p = source[i];
            values[i] = invert ? (p > 0 ? 1f / p : 0f) : p;
            fitValid[i] = valid[i] && (p > 0 || !needPositive);
        }
        return (new DepthMap(prediction.Width, prediction.Height, kind, values), fitValid);
    }
}
