using System.Security.Cryptography;
using System.Text;
using BetterDepth.Imaging;

namespace BetterDepth.Priors;

/// <summary>
/// Keeps another prior's predictions on disk (float32 NPY) so that repeated runs (ensembles, evaluation sweeps,
/// training epochs) pay for each image once. The key is the decoded image content plus the prior's
/// <see cref="IDepthPrior.CacheIdentity"/> (and the image key for priors that use it). Entries are written
/// atomically; an entry that cannot be read or has the wrong size is recomputed and replaced.
/// </summary>
public sealed class CachedPrior(IDepthPrior inner, string cacheFolder) : IDepthPrior
{
    string? identityHash;

    public IDepthPrior Inner { get; } = inner;
    public string CacheFolder { get; } = cacheFolder;
    public int Hits { get; private set; }
    public int Misses { get; private set; }

    public string Name => Inner.Name;
    public DepthKind OutputKind => Inner.OutputKind;
    public string CacheIdentity => Inner.CacheIdentity;
    public bool UsesImageKey => Inner.UsesImageKey;

    public DepthMap Predict(RgbImage image, CancellationToken ct = default) => Predict(image, null, ct);

    public DepthMap Predict(RgbImage image, string? imageKey, CancellationToken ct = default)
    {
        var path = EntryPath(image, imageKey);
        if (TryRead(path, image.Width, image.Height) is { } cached)
        {
            Hits++;
            return cached;
        }
        Misses++;
        var prediction = Inner.Predict(image, imageKey, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DepthFile.WriteNpy(path, prediction);
        return prediction;
    }

    /// <summary>
    /// Where the entry for this image lives: folder/ab/abcdef….npy, a SHA-256 over prior identity, image size and
    /// pixels, and the image key if the prior uses it.
    /// </summary>
    public string EntryPath(RgbImage image, string? imageKey)
    {
        if (!Inner.UsesImageKey) imageKey = null;
        identityHash ??= Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Inner.CacheIdentity)));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{identityHash}\n{image.Width}x{image.Height}\n{imageKey}\n"));
        sha.AppendData(image.Data);
        var hex = Convert.ToHexStringLower(sha.GetHashAndReset());
        return Path.Combine(CacheFolder, hex[..2], hex + ".npy");
    }

    DepthMap? TryRead(string path, int width, int height)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var npy = Npy.Read(path);
            if (npy.Shape is not [var h, var w] || w != width || h != height) return null;
            foreach (var v in npy.Values) if (!float.IsFinite(v)) return null;
            return new DepthMap(width, height, OutputKind, npy.Values);
        }
        catch (InvalidFileException)
        {
            return null; // damaged entry (e.g. truncated by a crash of an older writer): recompute
        }
    }

    public void Dispose() => Inner.Dispose();
}
