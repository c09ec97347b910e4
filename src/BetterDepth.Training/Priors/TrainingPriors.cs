using System.Globalization;
using BetterDepth.Priors;

namespace BetterDepth.Training.Priors;

/// <summary>
/// The priors where each sample's ground truth is at hand (training, the demo): every <see cref="PriorRegistry"/> spec,
/// plus <c>degraded[:SEED]</c>, the controlled-experiment prior made from the label itself (blur, low-frequency
/// distortion, noise, random affine).
/// </summary>
public static class TrainingPriors
{
    public const string DegradedName = "degraded";

    /// <param name="groundTruth">Ground truth by image key (the sample's dataset path).</param>
    /// <param name="cacheFolder">When set, predictions are cached there (<see cref="CachedPrior"/>).</param>
    public static IDepthPrior Create(string spec, Func<string, (DepthMap Depth, bool[] Valid)> groundTruth, string? cacheFolder = null)
    {
        if (Degraded(spec, groundTruth) is not { } degraded) return PriorRegistry.Create(spec, new PriorOptions { CacheFolder = cacheFolder });
        return cacheFolder is null ? degraded : new CachedPrior(degraded, cacheFolder);
    }

    static GroundTruthLookupPrior? Degraded(string spec, Func<string, (DepthMap Depth, bool[] Valid)> groundTruth)
    {
        int colon = spec.IndexOf(':');
        if (!string.Equals(colon < 0 ? spec : spec[..colon], DegradedName, StringComparison.OrdinalIgnoreCase)) return null;
        var seedText = colon < 0 ? "" : spec[(colon + 1)..];
        int seed = 0;
        if (seedText.Length > 0 && !int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
            throw new ArgumentException($"prior '{spec}': the degraded prior's seed must be an integer (degraded[:SEED])");
        return new GroundTruthLookupPrior(new DegradationSettings { Seed = seed }, groundTruth);
    }
}
