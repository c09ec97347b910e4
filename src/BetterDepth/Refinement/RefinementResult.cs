using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// What one image gives: the refined affine-invariant disparity in [0, 1] (1 = near), the prior's own
/// prediction beside it (its own kind), and with ensembling an uncertainty map; all at the input size.
/// <paramref name="Image"/> is the input they were made from (the point cloud takes its colours).
/// </summary>
public sealed record RefinementResult(DepthMap Refined, DepthMap Prior, DepthMap? Uncertainty, StageTimings Timings, RgbImage Image)
{
    /// <summary>
    /// Writes the maps as <c>betterdepth predict</c> does: <c>STEM.*</c>, <c>STEM_uncertainty.*</c> for ensembles and,
    /// with <paramref name="savePrior"/>, <c>STEM_prior.*</c>; each file atomically. Returns the paths written.
    /// </summary>
    public IReadOnlyList<string> Save(string outputStem, OutputFormats formats = OutputFormats.Npy | OutputFormats.Png16 | OutputFormats.Color,
        bool savePrior = false, CameraIntrinsics? intrinsics = null) =>
        new PredictionWriter(formats, intrinsics, savePrior: savePrior).Write(outputStem, Image, this);
}
