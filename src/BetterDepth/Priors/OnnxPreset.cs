using BetterDepth.Imaging;

namespace BetterDepth.Priors;

/// <summary>How the network's input size follows from the image size when the model leaves it dynamic (MiDaS/Depth Anything "resize_method").</summary>
public enum SizeBound
{
    /// <summary>Scale so that both sides are at least the base size (Depth Anything).</summary>
    LowerBound,
    /// <summary>Scale so that both sides are at most the base size (MiDaS v2.1).</summary>
    UpperBound,
    /// <summary>Scale by whichever side ratio is closer to 1 (DPT).</summary>
    Minimal,
}

/// <summary>
/// Pre- and post-processing of one family of ONNX depth exports: the size rule for dynamic input axes,
/// the resampling filter and the per-channel normalisation of [0, 1] RGB, and what the output means.
/// </summary>
public sealed record OnnxPreset(
    string Name,
    int BaseSize,
    int MultipleOf,
    SizeBound Bound,
    ResizeFilter Filter,
    float[] Mean,
    float[] Std,
    DepthKind OutputKind)
{
    static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    static readonly float[] Half = [0.5f, 0.5f, 0.5f];

    // Depth Anything: keep aspect, both sides >= 518 and multiples of 14 (its ViT patch size), bicubic, ImageNet statistics.
    public static readonly OnnxPreset DepthAnythingV1 = new("depth-anything-v1", 518, 14, SizeBound.LowerBound, ResizeFilter.Bicubic, ImageNetMean, ImageNetStd, DepthKind.AffineDisparity);
    public static readonly OnnxPreset DepthAnythingV2 = DepthAnythingV1 with { Name = "depth-anything-v2" };
    // MiDaS v2.1: upper-bound sizes that are multiples of 32, ImageNet statistics; small model at 256, full at 384.
    public static readonly OnnxPreset MidasSmall = new("midas-small", 256, 32, SizeBound.UpperBound, ResizeFilter.Bicubic, ImageNetMean, ImageNetStd, DepthKind.AffineDisparity);
    public static readonly OnnxPreset MidasV21 = MidasSmall with { Name = "midas-v21", BaseSize = 384 };
    // DPT (MiDaS v3): 384, "minimal" rule, mean = std = 0.5.
    public static readonly OnnxPreset DptHybrid = new("dpt-hybrid", 384, 32, SizeBound.Minimal, ResizeFilter.Bicubic, Half, Half, DepthKind.AffineDisparity);
    public static readonly OnnxPreset DptLarge = DptHybrid with { Name = "dpt-large" };

    // The project's learned prior exported by `betterdepth export-prior` (PriorCnnOnnxExport): ImageNet statistics and
    // antialiased bilinear resizing as LearnedPrior does. A --fixed-size export carries the weights' working size in its
    // input and is resized to it for every image, exactly like LearnedPrior; a dynamic export keeps the aspect with the
    // short side at 192, the shipped weights' working size (256x192) for 4:3 images.
    public static readonly OnnxPreset BetterDepthCnn = new("betterdepth-cnn", 192, 32, SizeBound.LowerBound, ResizeFilter.Bilinear, ImageNetMean, ImageNetStd, DepthKind.AffineDisparity);
    /// <summary>The tensor names of that export, by which an unnamed model is recognised.</summary>
    public const string BetterDepthCnnInput = "image", BetterDepthCnnOutput = "disparity";

    public static IReadOnlyList<OnnxPreset> All { get; } = [DepthAnythingV1, DepthAnythingV2, MidasSmall, MidasV21, DptHybrid, DptLarge, BetterDepthCnn];

    public static OnnxPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Identity for caches: every field that changes the prediction.</summary>
    public override string ToString() =>
        $"{Name}(base={BaseSize},mult={MultipleOf},{Bound},{Filter},mean={string.Join('/', Mean)},std={string.Join('/', Std)},{OutputKind})";
}
