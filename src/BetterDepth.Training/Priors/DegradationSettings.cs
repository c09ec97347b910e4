namespace BetterDepth.Training.Priors;

/// <summary>
/// How <see cref="DegradedGroundTruthPrior"/> spoils ground truth into a controllable stand-in for a feed-forward
/// prior. Sizes are relative so the same settings mean the same thing at any resolution; amplitudes that are
/// additive are relative to the image's valid disparity range.
/// </summary>
public sealed record DegradationSettings
{
    /// <summary>Gaussian blur sigma as a fraction of the longer image side (0 = no blur). Feed-forward priors lose fine detail.</summary>
    public double BlurSigma { get; init; } = 0.006;
    /// <summary>Strength of the multiplicative smooth distortion: disparity *= exp(strength * field), field ~ N(0, 1).</summary>
    public double MultiplicativeDistortion { get; init; } = 0.05;
    /// <summary>Amplitude of the additive smooth distortion, as a fraction of the disparity range.</summary>
    public double AdditiveDistortion { get; init; } = 0.01;
    /// <summary>Cells per side of the random grid the smooth fields are interpolated from (more = less smooth).</summary>
    public int DistortionCells { get; init; } = 4;
    /// <summary>Per-pixel Gaussian noise, as a fraction of the disparity range.</summary>
    public double NoiseStd { get; init; } = 0.002;
    /// <summary>The random global scale is log-uniform in [1/MaxScale, MaxScale] (1 = no scaling).</summary>
    public double MaxScale { get; init; } = 2.0;
    /// <summary>The random global shift is uniform in [-MaxShift, MaxShift] times the disparity range.</summary>
    public double MaxShift { get; init; } = 0.5;
    /// <summary>Experiment seed; each image's randomness is derived from (Seed, image key).</summary>
    public int Seed { get; init; }

    public void Validate()
    {
        Check(BlurSigma, nameof(BlurSigma));
        Check(MultiplicativeDistortion, nameof(MultiplicativeDistortion));
        Check(AdditiveDistortion, nameof(AdditiveDistortion));
        Check(NoiseStd, nameof(NoiseStd));
        Check(MaxShift, nameof(MaxShift));
        if (!double.IsFinite(MaxScale) || MaxScale < 1) throw new ArgumentException($"MaxScale must be a finite number >= 1, got {MaxScale}", nameof(MaxScale));
        if (DistortionCells < 1) throw new ArgumentException($"DistortionCells must be at least 1, got {DistortionCells}", nameof(DistortionCells));
    }

    static void Check(double v, string name)
    {
        if (!double.IsFinite(v) || v < 0) throw new ArgumentException($"{name} must be a finite number >= 0, got {v}", name);
    }
}
