using BetterDepth.Imaging;

namespace BetterDepth.Priors;

/// <summary>
/// Precomputed predictions: for image key <c>a/b/c.png</c> reads <c>folder/a/b/c.npy</c>, <c>.pfm</c> or <c>.png</c>
/// (16-bit, times the constructor's <c>metresPerUnit</c>), first found wins. Absolute image paths are made relative to
/// <c>imageRoot</c> when they lie under it, otherwise only the file name is used. Predictions of another
/// size are resized (bilinear) to the image.
/// </summary>
public sealed class FilePrior : IDepthPrior
{
    static readonly string[] Extensions = [".npy", ".pfm", ".png"];
    readonly double metresPerUnit;
    readonly string? imageRoot;

    public string Folder { get; }
    public DepthKind OutputKind { get; }
    public string Name => $"file:{Folder}";
    public string CacheIdentity => $"file|{Path.GetFullPath(Folder)}|{OutputKind}|{metresPerUnit}";
    public bool UsesImageKey => true;

    /// <param name="kind">What the files hold; metric kinds are passed on as their affine counterparts.</param>
    public FilePrior(string folder, DepthKind kind = DepthKind.AffineDisparity, string? imageRoot = null, double metresPerUnit = 1.0)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: prediction folder not found");
        if (!double.IsFinite(metresPerUnit) || metresPerUnit <= 0) throw new ArgumentException($"metresPerUnit must be positive, got {metresPerUnit}", nameof(metresPerUnit));
        OutputKind = kind switch
        {
            DepthKind.Depth or DepthKind.AffineDepth => DepthKind.AffineDepth,
            DepthKind.Disparity or DepthKind.AffineDisparity => DepthKind.AffineDisparity,
            _ => throw new ArgumentException($"a prior outputs depth or disparity, not {kind}", nameof(kind)),
        };
        Folder = folder;
        this.imageRoot = imageRoot;
        this.metresPerUnit = metresPerUnit;
    }

    public DepthMap Predict(RgbImage image, CancellationToken ct = default) =>
        throw new ArgumentException($"{Name}: the file prior needs the image's path to find its prediction");

    public DepthMap Predict(RgbImage image, string? imageKey, CancellationToken ct = default)
    {
        if (imageKey is null) return Predict(image, ct);
        ct.ThrowIfCancellationRequested();
        var path = FindFile(imageKey);
        var map = DepthFile.Read(path, OutputKind, metresPerUnit);
        return map.Width == image.Width && map.Height == image.Height
            ? map
            : Resampling.Resize(map, image.Width, image.Height, ResizeFilter.Bilinear);
    }

    /// <summary>The prediction file for an image key; FileNotFoundException lists the paths tried.</summary>
    public string FindFile(string imageKey)
    {
        var stem = Path.ChangeExtension(RelativeKey(imageKey), null);
        var candidates = Extensions.Select(e => Path.Combine(Folder, stem + e)).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{imageKey}: no precomputed prediction; tried {string.Join(", ", candidates)}");
    }

    string RelativeKey(string key)
    {
        if (!Path.IsPathRooted(key)) return key;
        if (imageRoot is not null)
        {
            var rel = Path.GetRelativePath(Path.GetFullPath(imageRoot), Path.GetFullPath(key));
            if (!rel.StartsWith("..") && !Path.IsPathRooted(rel)) return rel;
        }
        return Path.GetFileName(key);
    }

    public void Dispose() { }
}
