namespace BetterDepth;

/// <summary>
/// What the numbers in a <see cref="DepthMap"/> mean. Most bugs in monocular depth are
/// depth/disparity mix-ups, so every map carries its meaning with it.
/// </summary>
public enum DepthKind
{
    /// <summary>Metric depth in metres along the optical axis.</summary>
    Depth,
    /// <summary>Metric inverse depth (1/m).</summary>
    Disparity,
    /// <summary>Depth up to an unknown scale and shift.</summary>
    AffineDepth,
    /// <summary>Inverse depth up to an unknown scale and shift (Depth Anything, BetterDepth output).</summary>
    AffineDisparity,
    /// <summary>Affine-invariant values mapped to [-1, 1] by quantile normalisation (the diffusion space).</summary>
    Normalized,
}

public static class DepthKindExtensions
{
    /// <summary>True for kinds that grow with distance (depth), false for inverse kinds.</summary>
    public static bool IsDepthLike(this DepthKind kind) => kind is DepthKind.Depth or DepthKind.AffineDepth;

    public static bool IsDisparityLike(this DepthKind kind) => kind is DepthKind.Disparity or DepthKind.AffineDisparity;
}
