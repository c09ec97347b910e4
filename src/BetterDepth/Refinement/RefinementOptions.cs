namespace BetterDepth.Refinement;

/// <summary>Inference settings; defaults are BetterDepth's fast setting (2 DDIM steps, one member, 768 px).</summary>
public sealed record RefinementOptions
{
    /// <summary>DDIM steps (paper: 50 for the best numbers, 2 for the fast setting).</summary>
    public int Steps { get; init; } = 2;
    /// <summary>Ensemble members (paper: 10 for the best numbers, 1 for the fast setting).</summary>
    public int EnsembleSize { get; init; } = 1;
    public EnsembleReduction Reduction { get; init; } = EnsembleReduction.Median;
    /// <summary>Long side the image is resized to before the prior and the refiner; 0 keeps the input size.</summary>
    public int ProcessingResolution { get; init; } = 768;
    /// <summary>Seed of the initial noise; the same seed gives the same output on the same device.</summary>
    public long Seed { get; init; }
    /// <summary>Ensemble members denoised together in one U-Net batch; 0 = all at once.</summary>
    public int BatchSize { get; init; }
    /// <summary>
    /// Gaussian sigma, in pixels at the processing resolution, below which the refined map's layout is taken from the
    /// prior (<see cref="PriorLayout"/>); 0 = off, the refiner's output as the paper has it.
    /// </summary>
    public double PriorLayoutSigma { get; init; }

    public const double MaxPriorLayoutSigma = 1000;

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"steps must be >= 1, got {Steps}");
        if (EnsembleSize < 1) throw new ArgumentException($"ensemble size must be >= 1, got {EnsembleSize}");
        if (ProcessingResolution < 0) throw new ArgumentException($"processing resolution must be >= 0, got {ProcessingResolution}");
        if (BatchSize < 0) throw new ArgumentException($"batch size must be >= 0, got {BatchSize}");
        if (!(PriorLayoutSigma >= 0) || PriorLayoutSigma > MaxPriorLayoutSigma)
            throw new ArgumentException($"prior layout sigma must be from 0 (off) to {MaxPriorLayoutSigma} pixels, got {PriorLayoutSigma}");
    }
}
