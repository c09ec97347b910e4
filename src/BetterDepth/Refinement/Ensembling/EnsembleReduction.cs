namespace BetterDepth.Refinement;

/// <summary>How aligned ensemble members are combined per pixel.</summary>
public enum EnsembleReduction
{
    /// <summary>Per-pixel median (for an even count, the lower middle value, as torch.median); uncertainty = median absolute deviation.</summary>
    Median,
    /// <summary>Per-pixel mean; uncertainty = standard deviation (unbiased, as torch.std).</summary>
    Mean,
}

/// <summary>Which degrees of freedom each member's alignment has.</summary>
public enum EnsembleAlignment
{
    /// <summary>Scale and shift per member (affine-invariant depth or disparity: Marigold, BetterDepth).</summary>
    Affine,
    /// <summary>Scale only (scale-invariant predictions).</summary>
    Scale,
    /// <summary>No alignment: members are already in the same units.</summary>
    None,
}
