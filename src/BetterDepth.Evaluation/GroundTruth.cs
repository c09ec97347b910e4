namespace BetterDepth.Evaluation;

/// <summary>
/// Ground truth of one sample in the frame metrics are computed in: metric depth (metres) and the pixels
/// to evaluate (dataset range, evaluation crop and mask file combined).
/// </summary>
/// <param name="Depth">Metric depth, <see cref="DepthKind.Depth"/>.</param>
/// <param name="Valid">Pixels that take part in alignment and metrics.</param>
public sealed record GroundTruth(DepthMap Depth, bool[] Valid)
{
    /// <summary>
    /// When the dataset cut its frame out of the recorded image (KITTI benchmark crop): that box and the size
    /// of the recorded image, so a prediction made on the uncropped image can be cut the same way.
    /// </summary>
    public FrameCrop? Crop { get; init; }

    public int ValidCount => Valid.Count(v => v);
}

/// <summary>The box a dataset cut out of a <paramref name="RecordedWidth"/> x <paramref name="RecordedHeight"/> image.</summary>
public sealed record FrameCrop(CropBox Box, int RecordedWidth, int RecordedHeight);

/// <summary>
/// One evaluation sample: an id (the split line's RGB path), the RGB path relative to the dataset folder
/// (predictions are found by it), the ground-truth files (checked before a run starts) and a loader.
/// </summary>
public sealed record EvaluationSample(string Id, string RgbPath, IReadOnlyList<string> GroundTruthFiles, Func<GroundTruth> LoadGroundTruth)
{
    /// <summary>The file name Marigold's inference script gives this sample's prediction (relative), if the dataset has one.</summary>
    public string? MarigoldPredictionPath { get; init; }
}
