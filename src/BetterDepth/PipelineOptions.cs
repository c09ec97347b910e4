using BetterDepth.Refinement;

namespace BetterDepth;

/// <summary>
/// What <see cref="BetterDepthPipeline.FromPretrained"/> is told: each field that is set overrides the refiner folder's
/// default (its refiner.json <c>defaults</c>), and each that is not falls back to it, then to <see cref="RefinementOptions"/>.
/// </summary>
public sealed record PipelineOptions
{
    /// <summary>A prior spec (<see cref="Priors.PriorRegistry"/>: <c>learned</c>, <c>depth-anything-v2:model.onnx</c>, ...); default: the folder's, else <c>learned</c>.</summary>
    public string? Prior { get; init; }
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";
    public int? Steps { get; init; }
    public int? EnsembleSize { get; init; }
    /// <summary>Long side the image is resized to before the prior and the refiner; 0 keeps the input size.</summary>
    public int? ProcessingResolution { get; init; }
    public EnsembleReduction? Reduction { get; init; }
    public long? Seed { get; init; }
    public int? BatchSize { get; init; }
    /// <summary><see cref="RefinementOptions.PriorLayoutSigma"/>; default: the folder's, else 0 (off).</summary>
    public double? PriorLayoutSigma { get; init; }

    /// <summary>The prior used when neither these options nor the folder name one: the shipped learned prior.</summary>
    public const string FallbackPrior = "learned";

    /// <summary>The prior spec and the refinement settings these options give with <paramref name="defaults"/>, checked.</summary>
    public (string Prior, RefinementOptions Options) Resolve(RefinerDefaults defaults)
    {
        var library = new RefinementOptions();
        var options = new RefinementOptions
        {
            Steps = Steps ?? defaults.Steps ?? library.Steps,
            EnsembleSize = EnsembleSize ?? defaults.EnsembleSize ?? library.EnsembleSize,
            ProcessingResolution = ProcessingResolution ?? defaults.ProcessingResolution ?? library.ProcessingResolution,
            Reduction = Reduction ?? library.Reduction,
            Seed = Seed ?? library.Seed,
            BatchSize = BatchSize ?? library.BatchSize,
            PriorLayoutSigma = PriorLayoutSigma ?? defaults.PriorLayoutSigma ?? library.PriorLayoutSigma,
        };
        options.Validate();
        return (PriorSpec(Prior, defaults), options);
    }

    /// <summary>The prior to run: the one given, else the one the refiner folder names (checked to exist), else <see cref="FallbackPrior"/>.</summary>
    public static string PriorSpec(string? given, RefinerDefaults defaults) => given ?? defaults.CheckedPrior() ?? FallbackPrior;
}
