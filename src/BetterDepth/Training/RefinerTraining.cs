using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>
/// A whole training run from a config: datasets and cached prior -> prepared samples -> refiner (fresh,
/// from a diffusers checkpoint, or resumed) -> <see cref="RefinerTrainer"/>. The run folder holds the config,
/// the checkpoint, the log, the loss plot and, at the end, the trained refiner in RUN/final.
/// </summary>
public static class RefinerTraining
{
    public static RefinerTrainer.Result Run(RefinerTrainingConfig config, string runDir, bool resume, IProgress<WorkProgress>? progress, CancellationToken ct, int? stopAfter = null)
    {
        config.Validate();
        Directory.CreateDirectory(runDir);
        bool hasCheckpoint = TrainingCheckpoint.Exists(runDir);
        if (resume && !hasCheckpoint) throw new ArgumentException($"--resume: no checkpoint in {Path.Combine(runDir, TrainingCheckpoint.FolderName)}");
        if (!resume && hasCheckpoint) throw new ArgumentException($"{runDir} already holds a checkpoint: pass --resume to continue it, or choose another run folder");
        int start = resume ? TrainingCheckpoint.ReadIteration(runDir, config) : 0;
        File.WriteAllText(Path.Combine(runDir, "config.json"), config.ToJson());

        var device = TorchDevice.Parse(config.Device);
        TorchDevice.ConfigureThreads();
        var cache = config.PriorCache is null ? Path.Combine(runDir, "prior-cache") : config.Resolve(config.PriorCache);
        var groundTruth = new System.Collections.Concurrent.ConcurrentDictionary<string, (BetterDepth.Imaging.DepthMap Depth, bool[] Valid)>();
        using var prior = CreatePrior(config.Prior, cache, key => groundTruth.TryGetValue(key, out var gt) ? gt
            : throw new ArgumentException($"degraded prior: no ground truth for {key}"));
        var datasets = config.Datasets
            .Select(d => (d.Dataset, TrainingDatasets.Open(d, config), d.Weight, d.MaxSamples))
            .ToList();
        var source = new TrainingSource(datasets, prior, config.Recipe, config.Width, config.Height, config.Seed, groundTruth);
        source.Warm(progress is null ? null : new Relabel(progress, "preparing samples"), ct);

        using var model = resume ? TrainingCheckpoint.LoadModel(runDir, device) : CreateModel(config, device);
        // Small models learn their context tokens; a loaded context comes back frozen, so say again what trains.
        if (config.InitFrom is null && ModelConfigs.Load(config.Model, config.BaseDir).Context == ContextSource.Learned)
            foreach (var p in model.Context.parameters()) p.requires_grad = true;
        if (model.Conditioning != config.ConditioningMode)
            throw new ArgumentException($"the refiner is {model.Conditioning}-conditioned but the config says {config.Conditioning}");
        if (model.ConditionSkip != config.ConditionSkip)
            throw new ArgumentException($"the refiner's condition skip is {(model.ConditionSkip ? "on" : "off")} but the config says condition_skip: {config.ConditionSkip.ToString().ToLowerInvariant()}");
        var parameters = RefinerTrainer.TrainableParameters(model);
        using var optimizer = optim.Adam(parameters, lr: config.LearningRate);
        if (resume) TrainingCheckpoint.LoadOptimizer(runDir, optimizer);
        using var ema = config.EmaDecay is { } decay ? new ExponentialMovingAverage(parameters, decay) : null;
        if (resume && ema is not null) TrainingCheckpoint.LoadEma(runDir, ema);

        return new RefinerTrainer(config, model, source, runDir).Train(start, optimizer, ema, progress, ct, stopAfter);
    }

    /// <summary>A registry prior (including <c>degraded[:SEED]</c>, which reads each sample's label); predictions are cached.</summary>
    public static IDepthPrior CreatePrior(string spec, string cacheFolder, Func<string, (BetterDepth.Imaging.DepthMap Depth, bool[] Valid)> groundTruth) =>
        PriorRegistry.Create(spec, new PriorOptions { CacheFolder = cacheFolder, GroundTruth = groundTruth });

    static RefinerModel CreateModel(RefinerTrainingConfig config, Device device)
    {
        var scheduler = ResolveScheduler(config);
        if (config.InitFrom is { } init)
        {
            var loaded = RefinerModel.Load(config.Resolve(init), device, config.Context is null ? null : config.Resolve(config.Context));
            if (loaded.Conditioning != config.ConditioningMode)
            {
                loaded.Dispose();
                throw new ArgumentException($"init_from '{init}' is {loaded.Conditioning}-conditioned, the config asks for {config.Conditioning}");
            }
            return loaded;
        }
        return RefinerModel.Create(ModelConfigs.Load(config.Model, config.BaseDir), config.ConditioningMode, scheduler, config.Seed, device, config.ConditionSkip);
    }

    /// <summary>"marigold-v1.0" (SD 2's scaled-linear, v-prediction, leading spacing), "marigold-v1.1" (zero SNR, trailing), or a scheduler_config.json.</summary>
    public static SchedulerConfig ResolveScheduler(RefinerTrainingConfig config) => config.Scheduler.ToLowerInvariant() switch
    {
        "marigold-v1.0" => SchedulerConfig.MarigoldV1_0,
        "marigold-v1.1" => SchedulerConfig.MarigoldV1_1,
        _ => SchedulerConfig.Load(config.Resolve(config.Scheduler)),
    };

    sealed class Relabel(IProgress<WorkProgress> inner, string note) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => inner.Report(value with { Note = note });
    }
}
