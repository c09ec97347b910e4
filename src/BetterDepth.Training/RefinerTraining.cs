using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Training.Priors;
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
        var groundTruth = new System.Collections.Concurrent.ConcurrentDictionary<string, (DepthMap Depth, bool[] Valid)>();
        using var prior = TrainingPriors.Create(config.Prior, key => groundTruth.TryGetValue(key, out var gt) ? gt
            : throw new ArgumentException($"degraded prior: no ground truth for {key}"), cache);
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

    static RefinerModel CreateModel(RefinerTrainingConfig config, Device device)
    {
        var scheduler = config.Scheduler is null ? null : ResolveScheduler(config.Scheduler, config);
        if (config.InitFrom is not { } init)
            return RefinerModel.Create(ModelConfigs.Load(config.Model, config.BaseDir), config.ConditioningMode, scheduler ?? SchedulerConfig.MarigoldV1_0,
                config.Seed, device, config.ConditionSkip);

        var loaded = RefinerModel.Load(config.Resolve(init), device, config.Context is null ? null : config.Resolve(config.Context));
        try
        {
            if (loaded.Conditioning != config.ConditioningMode)
                throw new ArgumentException($"init_from '{init}' is {loaded.Conditioning}-conditioned, the config asks for {config.Conditioning}");
            // A scheduler named in the config replaces the folder's (as Marigold v1.1 was fine-tuned from SD 2 under a new
            // schedule); the trained refiner is saved with it.
            return scheduler is null ? loaded
                : new RefinerModel(loaded.Unet, loaded.Autoencoder, loaded.Context, scheduler, loaded.Conditioning, device, loaded.ConditionSkip);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>"marigold-v1.0" (SD 2's scaled-linear, v-prediction, leading spacing), "marigold-v1.1" (zero SNR, trailing), or a scheduler_config.json.</summary>
    static SchedulerConfig ResolveScheduler(string name, RefinerTrainingConfig config) => name.ToLowerInvariant() switch
    {
        "marigold-v1.0" => SchedulerConfig.MarigoldV1_0,
        "marigold-v1.1" => SchedulerConfig.MarigoldV1_1,
        _ => SchedulerConfig.Load(config.Resolve(name)),
    };

    sealed class Relabel(IProgress<WorkProgress> inner, string note) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => inner.Report(value with { Note = note });
    }
}
