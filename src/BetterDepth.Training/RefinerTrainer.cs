using BetterDepth.Compute;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>
/// Trains the refiner's U-Net as BetterDepth's Algorithm 1 says: frozen autoencoder, latents of image,
/// pre-aligned condition and label, DDPM forward process, v-prediction, MSE masked by the latent patch mask.
/// All randomness of an iteration comes from (seed, iteration), so a resumed run follows the same loss
/// curve as an uninterrupted one.
/// </summary>
public sealed class RefinerTrainer(RefinerTrainingConfig config, RefinerModel model, TrainingSource data, string runDir)
{
    public const string FinalName = "final";

    public sealed record Result(int Iterations, double LastLoss, double SecondsPerIteration, string FinalFolder);

    readonly LatentCache? latentCache = config.LatentCache
        ? new LatentCache(config.LatentCacheDir is null ? Path.Combine(runDir, "latent-cache") : config.Resolve(config.LatentCacheDir))
        : null;

    /// <param name="stopAfter">Stop (with a checkpoint) once this iteration is done, without changing the schedule: for runs split over sessions.</param>
    public Result Train(int startIteration, Adam optimizer, ExponentialMovingAverage? ema, IProgress<WorkProgress>? progress, CancellationToken ct, int? stopAfter = null)
    {
        using var releaseLatents = latentCache;
        var schedule = new LearningRateSchedule(config.LearningRate, config.WarmupSteps, config.Iterations, config.FinalLrRatio);
        var ddpm = new DdpmScheduler(model.Scheduler);
        var log = TrainingLog.Open(Path.Combine(runDir, TrainingLog.FileName), startIteration);
        var parameters = TrainableParameters(model);
        model.Unet.train();

        int iteration = startIteration;
        double lastLoss = double.NaN, smoothed = double.NaN;
        var clock = Stopwatch.StartNew();
        progress?.Report(new WorkProgress(iteration, config.Iterations, "training"));
        while (iteration < config.Iterations)
        {
            if (ct.IsCancellationRequested)
            {
                TrainingCheckpoint.Save(runDir, model, optimizer, ema, iteration, config);
                ct.ThrowIfCancellationRequested();
            }
            double lr = schedule.At(iteration);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            optimizer.zero_grad();

            double loss = 0;
            for (int micro = 0; micro < config.GradientAccumulation; micro++)
                loss += AccumulateGradients(ddpm, iteration, micro, ct) / config.GradientAccumulation;
            if (!double.IsFinite(loss))
                throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"loss became {loss} at iteration {iteration + 1}; training stopped without saving it. " +
                    $"The last good checkpoint is kept in {Path.Combine(runDir, TrainingCheckpoint.FolderName)}: lower learning_rate and resume."));
            optimizer.SafeStep();
            ema?.Update(parameters);
            iteration++;
            lastLoss = loss;
            smoothed = double.IsNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
            double itPerSecond = (iteration - startIteration) / clock.Elapsed.TotalSeconds;
            log.Append(iteration, loss, lr, itPerSecond);
            progress?.Report(new WorkProgress(iteration, config.Iterations, string.Create(CultureInfo.InvariantCulture, $"loss {smoothed:F4}, {itPerSecond:F2} it/s")));
            bool stopping = stopAfter is int stop && iteration >= stop && iteration < config.Iterations;
            if (iteration % config.CheckpointEvery == 0 || iteration == config.Iterations || stopping)
                TrainingCheckpoint.Save(runDir, model, optimizer, ema, iteration, config);
            if (stopping)
            {
                log.WritePlot(Path.Combine(runDir, TrainingLog.PlotFileName));
                return new Result(iteration, lastLoss, clock.Elapsed.TotalSeconds / Math.Max(1, iteration - startIteration), Path.Combine(runDir, TrainingCheckpoint.FolderName));
            }
        }

        log.WritePlot(Path.Combine(runDir, TrainingLog.PlotFileName));
        var final = Path.Combine(runDir, FinalName);
        // the refiner runs on the prior it was trained with unless told otherwise (predict, serve, demo read this)
        var defaults = RefinerDefaults.PriorEntry(config.Prior, final) is { } prior ? new JsonObject { ["prior"] = prior } : null;
        using (ema?.Swap(parameters)) model.Save(final, TrainingInfo(iteration), defaults);
        return new Result(iteration, lastLoss, (iteration - startIteration) > 0 ? clock.Elapsed.TotalSeconds / (iteration - startIteration) : 0, final);
    }

    /// <summary>One micro-batch: forward, masked v-loss, backward. Returns the loss value.</summary>
    double AccumulateGradients(DdpmScheduler ddpm, int iteration, int micro, CancellationToken ct)
    {
        using var scope = NewDisposeScope();
        ulong seed = IterationSeed(config.Seed, iteration, micro);
        var rng = new Random(unchecked((int)seed));
        var samples = new List<PreparedSample>(config.BatchSize);
        var flips = new List<bool>(config.BatchSize);
        var keys = new List<(int, int, bool)>(config.BatchSize);
        for (int b = 0; b < config.BatchSize; b++)
        {
            var (part, index) = data.Draw(rng);
            samples.Add(data.Get(part, index, ct));
            flips.Add(config.HorizontalFlip && rng.Next(2) == 1);
            keys.Add((part, index, flips[^1]));
        }
        var device = model.Device;
        var batch = TrainingBatch.Stack(samples, flips, device);
        using var generator = new Generator(seed, device);

        Tensor imageLatent, conditionLatent, targetLatent;
        if (latentCache is not null)
            (imageLatent, conditionLatent, targetLatent) = latentCache.Get(keys, batch, model.Autoencoder);
        else
            using (no_grad())
            {
                imageLatent = model.Autoencoder.EncodeImage(batch.Images);
                conditionLatent = model.Autoencoder.EncodeDepth(batch.Conditions);
                targetLatent = model.Autoencoder.EncodeDepth(batch.Targets);
            }
        var timesteps = ddpm.SampleTimesteps(config.BatchSize, generator, device);
        var noise = config.MultiResolutionNoiseStrength > 0
            ? MultiResolutionNoise.LikeAnnealed(targetLatent, timesteps, model.Scheduler.NumTrainTimesteps, config.MultiResolutionNoiseStrength, generator: generator)
            : randn(targetLatent.shape, generator: generator, device: device);
        var noisy = ddpm.AddNoise(targetLatent, noise, timesteps);
        var target = RegressionTarget(ddpm, targetLatent, noise, timesteps);

        var prediction = model.Predict(imageLatent, conditionLatent, noisy, timesteps);
        var mask = batch.LatentMask(model.Autoencoder.DownscaleFactor).expand_as(prediction);
        // (1 / gamma) * || v^ (.) m - v (.) m ||^2 with gamma the number of kept latent entries (v, or eps / x0 for other parameterisations).
        var gamma = mask.sum().AtLeast(1);
        var loss = (prediction - target).Squared().mul(mask).sum() / gamma;
        loss.Over(config.GradientAccumulation).backward();
        return loss.item<float>();
    }

    /// <summary>
    /// What the U-Net learns to output: v (the paper, Marigold), eps, or x0 itself. x0 suits models trained from
    /// scratch on a CPU: their errors reach the output unamplified, where v errors at low noise turn into speckle.
    /// </summary>
    public static Tensor RegressionTarget(DdpmScheduler ddpm, Tensor cleanLatent, Tensor noise, Tensor timesteps) => ddpm.Config.PredictionType switch
    {
        PredictionType.VPrediction => ddpm.GetVelocity(cleanLatent, noise, timesteps),
        PredictionType.Epsilon => noise.alias(),
        PredictionType.Sample => cleanLatent.alias(),
        var other => throw new ArgumentException($"unsupported prediction type {other}"),
    };

    /// <summary>A seed for iteration i's micro-batch m: SplitMix64 of the pair, so neighbouring iterations are unrelated.</summary>
    public static ulong IterationSeed(int seed, int iteration, int micro)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)iteration * 0xBF58476D1CE4E5B9UL + (ulong)micro * 0x94D049BB133111EBUL + 0x2545F4914F6CDD1DUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) >> 1;
    }

    /// <summary>The U-Net and, for small models, the learned context; the autoencoder stays frozen.</summary>
    public static IReadOnlyList<Parameter> TrainableParameters(RefinerModel model) =>
        [.. model.Unet.parameters(), .. model.Context.parameters().Where(p => p.requires_grad)];

    JsonObject TrainingInfo(int iterations)
    {
        var info = new JsonObject
        {
            ["iterations"] = iterations,
            ["prior"] = config.Prior,
            ["model"] = config.Model,
            ["global_pre_alignment"] = config.GlobalPreAlignment,
            ["local_patch_masking"] = config.LocalPatchMasking,
            ["patch_size"] = config.PatchSize,
            ["eta"] = config.Eta,
            ["samples"] = data.Count,
            ["resolution"] = $"{data.Width}x{data.Height}",
            ["seed"] = config.Seed,
            ["ema"] = config.EmaDecay is not null,
        };
        // A fine-tuned refiner says where it started; its iteration count is the fine-tune's alone.
        if (config.InitFrom is not null) info["init_from"] = config.InitFrom;
        return info;
    }
}
