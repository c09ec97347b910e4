using BetterDepth.Priors;

namespace BetterDepth.Training.Priors;

/// <summary>
/// <see cref="DegradedGroundTruthPrior"/> behind the <see cref="IDepthPrior"/> interface: the ground truth of each
/// image is looked up by its key (its dataset path), so training and evaluation code can use it like any prior.
/// </summary>
public sealed class GroundTruthLookupPrior(DegradationSettings settings, Func<string, (DepthMap Depth, bool[] Valid)> lookup) : IDepthPrior
{
    readonly DegradedGroundTruthPrior degrader = new(settings);

    public string Name => "degraded";
    public DepthKind OutputKind => DepthKind.AffineDisparity;
    public string CacheIdentity => $"degraded|{degrader.Settings}";
    public bool UsesImageKey => true;

    public DepthMap Predict(RgbImage image, CancellationToken ct = default) =>
        throw new ArgumentException("the degraded ground-truth prior needs the image's key (its path) to find the ground truth");

    public DepthMap Predict(RgbImage image, string? imageKey, CancellationToken ct = default)
    {
        if (imageKey is null) return Predict(image, ct);
        ct.ThrowIfCancellationRequested();
        var (depth, valid) = lookup(imageKey);
        if (depth.Width != image.Width || depth.Height != image.Height)
            throw new ArgumentException($"{imageKey}: ground truth is {depth.Width}x{depth.Height} but the image is {image.Width}x{image.Height}");
        return degrader.Predict(depth, valid, imageKey);
    }

    public void Dispose() { }
}
