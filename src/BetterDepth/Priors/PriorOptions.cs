namespace BetterDepth.Priors;

/// <summary>Settings shared by the priors <see cref="PriorRegistry"/> can build.</summary>
public sealed record PriorOptions
{
    /// <summary>Intra-op threads for ONNX Runtime; null = processor count.</summary>
    public int? Threads { get; init; }
    /// <summary>What the files of a file prior hold.</summary>
    public DepthKind FileKind { get; init; } = DepthKind.AffineDisparity;
    /// <summary>Scale of 16-bit PNG predictions of a file prior.</summary>
    public double FileMetresPerUnit { get; init; } = 1.0;
    /// <summary>Absolute image paths under this folder are looked up by their relative path (file prior).</summary>
    public string? ImageRoot { get; init; }
    /// <summary>When set, predictions are cached in this folder (<see cref="CachedPrior"/>).</summary>
    public string? CacheFolder { get; init; }
}
