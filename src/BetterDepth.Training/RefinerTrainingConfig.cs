using System.Text.Json;
using System.Text.Json.Serialization;
using BetterDepth.Refinement;

namespace BetterDepth.Training;

/// <summary>One dataset of a training mix: a dataset name (hypersim, vkitti) or a dataset JSON, its split and its share of the batches.</summary>
public sealed record TrainingDatasetEntry
{
    /// <summary>"hypersim", "vkitti", or a path to a user / synthetic dataset.json.</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    /// <summary>Folder of the data (defaults to the dataset.json's folder).</summary>
    [JsonPropertyName("data_dir")] public string? DataDir { get; init; }
    [JsonPropertyName("split")] public string? Split { get; init; }
    /// <summary>Relative share of samples drawn from this dataset (Marigold: 0.9 Hypersim, 0.1 vKITTI).</summary>
    [JsonPropertyName("weight")] public double Weight { get; init; } = 1.0;
    /// <summary>Use only the first N samples of the split after a seeded shuffle (BetterDepth-400 / -2K).</summary>
    [JsonPropertyName("max_samples")] public int? MaxSamples { get; init; }
}

/// <summary>
/// <c>betterdepth train --config FILE</c>: everything a run depends on, so the file plus the code reproduce it.
/// Paths are relative to the config file's folder.
/// </summary>
public sealed record RefinerTrainingConfig
{
    /// <summary>Model setting: a name under configs/models or a path to such a JSON.</summary>
    [JsonPropertyName("model")] public string Model { get; init; } = "tiny";
    /// <summary>Diffusers checkpoint folder to start from (SD 2 / Marigold for the sd2 setting); conv_in is widened.</summary>
    [JsonPropertyName("init_from")] public string? InitFrom { get; init; }
    /// <summary>Empty-prompt embedding for <see cref="InitFrom"/> folders that have no context.safetensors.</summary>
    [JsonPropertyName("context")] public string? Context { get; init; }
    [JsonPropertyName("conditioning")] public string Conditioning { get; init; } = "image_and_depth";
    [JsonPropertyName("global_pre_alignment")] public bool GlobalPreAlignment { get; init; } = true;
    [JsonPropertyName("local_patch_masking")] public bool LocalPatchMasking { get; init; } = true;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = PatchMasking.PaperPatchSize;
    [JsonPropertyName("eta")] public double Eta { get; init; } = PatchMasking.PaperEta;
    /// <summary>The U-Net predicts x0 - z_c (see <see cref="Refinement.RefinerModel.ConditionSkip"/>); needs x0 prediction.</summary>
    [JsonPropertyName("condition_skip")] public bool ConditionSkip { get; init; }

    [JsonPropertyName("datasets")] public List<TrainingDatasetEntry> Datasets { get; init; } = [];
    /// <summary>The frozen feed-forward prior whose predictions condition the refiner (a PriorRegistry spec).</summary>
    [JsonPropertyName("prior")] public string Prior { get; init; } = "learned";
    /// <summary>Where prior predictions are cached (default: cache/priors beside the run).</summary>
    [JsonPropertyName("prior_cache")] public string? PriorCache { get; init; }

    [JsonPropertyName("width")] public int Width { get; init; } = 256;
    [JsonPropertyName("height")] public int Height { get; init; } = 192;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 4;
    /// <summary>Batches whose gradients are summed before one optimiser step (effective batch = batch_size x this).</summary>
    [JsonPropertyName("gradient_accumulation")] public int GradientAccumulation { get; init; } = 1;
    [JsonPropertyName("iterations")] public int Iterations { get; init; } = 5000;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 3e-5;
    [JsonPropertyName("warmup_steps")] public int WarmupSteps { get; init; } = 100;
    /// <summary>Learning rate at the last iteration as a fraction of the peak (exponential decay after warm-up).</summary>
    [JsonPropertyName("final_lr_ratio")] public double FinalLrRatio { get; init; } = 0.01;
    [JsonPropertyName("horizontal_flip")] public bool HorizontalFlip { get; init; } = true;
    /// <summary>Marigold's annealed multi-resolution noise; 0 = plain Gaussian noise.</summary>
    [JsonPropertyName("multi_resolution_noise_strength")] public double MultiResolutionNoiseStrength { get; init; } = 0.9;
    /// <summary>Exponential moving average of the weights (e.g. 0.999); null = off.</summary>
    [JsonPropertyName("ema_decay")] public double? EmaDecay { get; init; }
    /// <summary>
    /// "marigold-v1.0", "marigold-v1.1" or a scheduler_config.json. Unset: marigold-v1.0 for a fresh refiner, the folder's
    /// own scheduler for <see cref="InitFrom"/>; set with <see cref="InitFrom"/>, it replaces the folder's.
    /// </summary>
    [JsonPropertyName("scheduler")] public string? Scheduler { get; init; }
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("checkpoint_every")] public int CheckpointEvery { get; init; } = 200;
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>Keep each sample's latents after their first encoding (<see cref="LatentCache"/>): same values, far fewer encoder passes.</summary>
    [JsonPropertyName("latent_cache")] public bool LatentCache { get; init; } = true;
    /// <summary>
    /// Where the cached latents also go on disk (<see cref="LatentStore"/>), relative to the config; unset: RUN/latent-cache.
    /// Runs over the same samples may share one folder; about 3 x 4 x latent size bytes per sample and mirror.
    /// </summary>
    [JsonPropertyName("latent_cache_dir")] public string? LatentCacheDir { get; init; }

    [JsonIgnore] public string BaseDir { get; init; } = ".";

    public Conditioning ConditioningMode => Conditioning switch
    {
        "image_and_depth" => Refinement.Conditioning.ImageAndDepth,
        "image_only" => Refinement.Conditioning.ImageOnly,
        _ => throw new ArgumentException($"conditioning must be image_and_depth or image_only, got '{Conditioning}'"),
    };

    public TrainingRecipe Recipe => new()
    {
        Conditioning = ConditioningMode,
        GlobalPreAlignment = GlobalPreAlignment,
        LocalPatchMasking = LocalPatchMasking,
        PatchSize = PatchSize,
        Eta = Eta,
    };

    public string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDir, path));

    public void Validate()
    {
        _ = ConditioningMode;
        Recipe.Validate();
        if (Datasets is null) throw new ArgumentException("config: 'datasets' must be a list of datasets, got null");
        if (Datasets.Count == 0) throw new ArgumentException("config: 'datasets' is empty");
        foreach (var d in Datasets)
        {
            if (d is null) throw new ArgumentException("config: a 'datasets' entry is null");
            if (string.IsNullOrWhiteSpace(d.Dataset)) throw new ArgumentException("config: a dataset entry has no 'dataset'");
            if (!(d.Weight > 0) || double.IsInfinity(d.Weight)) throw new ArgumentException($"config: dataset '{d.Dataset}' weight must be positive, got {d.Weight}");
            if (d.MaxSamples is <= 0) throw new ArgumentException($"config: dataset '{d.Dataset}' max_samples must be positive");
        }
        Positive(Width, "width"); Positive(Height, "height"); Positive(BatchSize, "batch_size");
        Positive(GradientAccumulation, "gradient_accumulation"); Positive(Iterations, "iterations"); Positive(CheckpointEvery, "checkpoint_every");
        if (WarmupSteps < 0) throw new ArgumentException($"config: warmup_steps must be >= 0, got {WarmupSteps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"config: learning_rate must be positive, got {LearningRate}");
        if (!(FinalLrRatio > 0 && FinalLrRatio <= 1)) throw new ArgumentException($"config: final_lr_ratio must be in (0, 1], got {FinalLrRatio}");
        if (!(MultiResolutionNoiseStrength >= 0 && MultiResolutionNoiseStrength < 1)) throw new ArgumentException($"config: multi_resolution_noise_strength must be in [0, 1), got {MultiResolutionNoiseStrength}");
        if (EmaDecay is { } e && !(e > 0 && e < 1)) throw new ArgumentException($"config: ema_decay must be in (0, 1), got {e}");
    }

    static void Positive(int v, string name)
    {
        if (v <= 0) throw new ArgumentException($"config: {name} must be positive, got {v}");
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true, AllowDuplicateProperties = false };

    public static RefinerTrainingConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidFileException(path, "training config not found");
        try
        {
            var config = JsonSerializer.Deserialize<RefinerTrainingConfig>(File.ReadAllText(path), Json) ?? throw new InvalidFileException(path, "empty config");
            config = config with { BaseDir = Path.GetDirectoryName(Path.GetFullPath(path))! };
            config.Validate();
            return config;
        }
        catch (JsonException e) { throw new InvalidFileException(path, e.Message, e); }
        catch (ArgumentException e) { throw new InvalidFileException(path, e.Message, e); }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
