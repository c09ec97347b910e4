namespace BetterDepth.Priors;

/// <summary>
/// A feed-forward monocular depth model that conditions the refiner: image in, affine-invariant depth or
/// disparity of the same size out. Priors are swappable at test time (the paper's plug-and-play property).
/// </summary>
public interface IDepthPrior : IDisposable
{
    /// <summary>Short human-readable name (shown in logs and reports).</summary>
    string Name { get; }

    /// <summary>What the predictions mean: <see cref="DepthKind.AffineDisparity"/> or <see cref="DepthKind.AffineDepth"/>.</summary>
    DepthKind OutputKind { get; }

    /// <summary>
    /// Everything the prediction depends on besides the image (name, weights' hash, settings). Caches key on it,
    /// so a prior with weights or settings must override this; the default only suits parameter-free priors.
    /// </summary>
    string CacheIdentity => Name;

    /// <summary>True when the prediction depends on <c>imageKey</c> (file lookups, per-image seeds), not only on the pixels.</summary>
    bool UsesImageKey => false;

    /// <summary>Predicts for <paramref name="image"/>; the result has the image's size and <see cref="OutputKind"/>.</summary>
    DepthMap Predict(RgbImage image, CancellationToken ct = default);

    /// <summary>
    /// Predicts for an image that came from a file. <paramref name="imageKey"/> is its path (relative to a dataset
    /// root where there is one); priors that look things up per image need it, the others ignore it.
    /// </summary>
    DepthMap Predict(RgbImage image, string? imageKey, CancellationToken ct = default) => Predict(image, ct);
}
