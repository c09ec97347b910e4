using BetterDepth.Compute;
using System.Diagnostics;
using System.Globalization;
using BetterDepth.Diffusion;
using BetterDepth.Priors.Learned;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Training.Priors;

/// <summary>
/// Trains a <see cref="LayoutCorrector"/> on a frozen <see cref="PriorCnn"/>. The prior runs once per scene
/// (<see cref="LayoutCache"/>): image, prior disparity and ground-truth disparity at the prior's output grid go to a cache
/// file, and training then reads only that, mirrored at random; the loss is the prior's own (<see cref="ScaleShiftInvariantLoss"/>
/// with the options' weights) on the corrected disparity. Checkpoints as <see cref="PriorTrainer"/>'s: one folder
/// replaced atomically, the averaged weights beside it as the deliverable, --resume continuing the step and Adam's moments.
/// </summary>
public sealed class LayoutCorrectorTrainer(PriorTrainingOptions options, Device device)
{
    public const string WeightsFile = "layout.safetensors";
    const string PlotTitle = "LAYOUT CORRECTOR TRAINING LOSS";
    const string CheckpointFolderName = "checkpoint", RawFile = "raw.safetensors", OptimizerFile = "optimizer.dat", StepFile = "step.txt";

    public sealed record Result(int StepsDone, double LastLoss, double SecondsPerStep, string WeightsPath);

    /// <summary>A training set and what identifies it in its cache (a dataset folder's full path).</summary>
    public sealed record Data(string Identity, IPriorTrainingSource Source);

    /// <summary>
    /// Trains a corrector of <paramref name="layoutChannels"/> base channels for the prior in <paramref name="priorPath"/> on
    /// <paramref name="data"/> (cached under OUT/cache on first use). The deliverable, OUT/prior.safetensors, is that prior
    /// with the averaged corrector on it.
    /// </summary>
    public Result Train(string priorPath, IReadOnlyList<Data> data, string outDir, bool resume, int layoutChannels = 32,
                        IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        LayoutCorrector.ValidateChannels(layoutChannels);
        if (data.Count == 0) throw new ArgumentException("give at least one training set");
        Directory.CreateDirectory(outDir);
        var checkpoint = Path.Combine(outDir, CheckpointFolderName);
        AtomicFolder.Recover(checkpoint);
        var stepFile = Path.Combine(checkpoint, StepFile);
        if (resume && !File.Exists(stepFile)) throw new ArgumentException($"--resume: no checkpoint in {outDir}");
        if (!resume && File.Exists(stepFile)) throw new ArgumentException($"{outDir} already holds a checkpoint: pass --resume or choose another folder");

        using var priorNetwork = PriorWeights.Load(priorPath, device);
        if (priorNetwork.Config.LayoutChannels > 0) throw new InvalidFileException(priorPath, "this prior already has a layout corrector; give the network it corrects");
        using var scenes = LayoutCache.Prepare(priorNetwork, PriorWeights.ContentHash(priorPath), data, outDir, device, progress, ct);
        random.manual_seed(options.Seed);
        using var model = new LayoutCorrector(layoutChannels);
        model.to(device);
        model.train();
        var parameters = model.parameters().ToList();
        using var optimizer = optim.Adam(parameters, lr: options.LearningRate);
        int step = 0;
        if (resume)
        {
            var raw = Path.Combine(checkpoint, RawFile);
            using (var file = SafeTensorsFile.Open(raw))
                if (file.Metadata.GetValueOrDefault("seed") != options.Seed.ToString(CultureInfo.InvariantCulture))
                    throw new InvalidFileException(raw, $"checkpoint was trained with seed {file.Metadata.GetValueOrDefault("seed")}, this run has {options.Seed}");
            LoadState(model, raw);
            optimizer.load_state_dict(Path.Combine(checkpoint, OptimizerFile));
            step = int.Parse(File.ReadAllText(stepFile).Trim(), CultureInfo.InvariantCulture);
        }
        using var ema = new ExponentialMovingAverage(parameters, options.EmaDecay ?? 0.999);
        if (resume)
        {
            using var averaged = new LayoutCorrector(layoutChannels);
            LoadState(averaged, Path.Combine(checkpoint, WeightsFile));
            averaged.to(device);
            ema.Set(averaged.parameters().ToList());
        }
        var log = TrainingLog.Open(Path.Combine(outDir, TrainingLog.FileName), step);
        var clock = Stopwatch.StartNew();
        int stepsThisRun = 0;
        double lastLoss = double.NaN, smoothed = double.NaN;
        long n = scenes.Image.shape[0];
        while (step < options.Steps)
        {
            if (ct.IsCancellationRequested)
            {
                Save(priorNetwork, model, optimizer, ema, parameters, step, outDir);
                log.WritePlot(Path.Combine(outDir, TrainingLog.PlotFileName), PlotTitle);
                ct.ThrowIfCancellationRequested();
            }
            var lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            using (var scope = NewDisposeScope())
            {
                var rng = new Random(unchecked(options.Seed * 1_000_003 + step));
                var pick = tensor(Enumerable.Range(0, options.BatchSize).Select(_ => (long)rng.Next((int)n)).ToArray());
                var flip = tensor(Enumerable.Range(0, options.BatchSize).Select(_ => rng.Next(2) == 1).ToArray()).view(-1, 1, 1, 1).to(device);
                Tensor Take(Tensor t)
                {
                    var b = t.index_select(0, pick).to(device);
                    return where(flip, b.flip(3), b);
                }
                var img = Take(scenes.Image); var pri = Take(scenes.Prior); var tgt = Take(scenes.Target); var ok = Take(scenes.Valid);
                optimizer.zero_grad();
                var corrected = LayoutCorrector.Apply(pri, model.forward(img, pri));
                var loss = ScaleShiftInvariantLoss.Compute(corrected, tgt, ok, options.GradientWeight, relativeWeight: options.RelativeWeight,
                    logRatioWeight: options.LogRatioWeight, delta1Weight: options.Delta1Weight, hardImagePower: options.HardImagePower);
                lastLoss = loss.item<float>();
                if (!double.IsFinite(lastLoss))
                    throw new TrainingDivergedException($"loss became {lastLoss} at step {step + 1}; the last good checkpoint is kept in {outDir}; lower --lr and resume from it.");
                loss.backward();
                optimizer.SafeStep();
                ema.Update(parameters);
            }
            step++;
            stepsThisRun++;
            smoothed = double.IsNaN(smoothed) ? lastLoss : 0.98 * smoothed + 0.02 * lastLoss;
            var itPerSecond = stepsThisRun / clock.Elapsed.TotalSeconds;
            log.Append(step, lastLoss, lr, itPerSecond);
            progress?.Report(new WorkProgress(step, options.Steps, string.Create(CultureInfo.InvariantCulture, $"loss {smoothed:F4}, {itPerSecond:F2} it/s")));
            if (step % options.CheckpointEvery == 0 || step == options.Steps) Save(priorNetwork, model, optimizer, ema, parameters, step, outDir);
        }
        log.WritePlot(Path.Combine(outDir, TrainingLog.PlotFileName), PlotTitle);
        return new Result(step, lastLoss, stepsThisRun == 0 ? 0 : clock.Elapsed.TotalSeconds / stepsThisRun, Path.Combine(outDir, LearnedPrior.WeightsFile));
    }

    void Save(PriorCnn prior, LayoutCorrector model, TorchSharp.Modules.OptimizerHelper optimizer, ExponentialMovingAverage ema,
              IReadOnlyList<TorchSharp.Modules.Parameter> parameters, int step, string outDir)
    {
        var checkpoint = Path.Combine(outDir, CheckpointFolderName);
        var metadata = new Dictionary<string, string> { ["format"] = "betterdepth-layout-corrector", ["base_channels"] = model.BaseChannels.ToString(CultureInfo.InvariantCulture), ["step"] = step.ToString(CultureInfo.InvariantCulture), ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture) };
        AtomicFolder.Replace(checkpoint, temp =>
        {
            SafeTensorsWriter.Write(Path.Combine(temp, RawFile), model.state_dict(), metadata);
            optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
            using (ema.Swap(parameters))
            {
                SafeTensorsWriter.Write(Path.Combine(temp, WeightsFile), model.state_dict(), metadata);
                using var corrected = prior.WithLayout(model);
                PriorWeights.Save(corrected, Path.Combine(temp, LearnedPrior.WeightsFile), new Dictionary<string, string> { ["layout_step"] = metadata["step"] });
            }
            File.WriteAllText(Path.Combine(temp, StepFile), step.ToString(CultureInfo.InvariantCulture));
        });
        // The deliverable beside the checkpoint: the prior with the averaged corrector, one file for `learned:` and export-prior.
        AtomicFile.WriteAllBytes(Path.Combine(outDir, LearnedPrior.WeightsFile), File.ReadAllBytes(Path.Combine(checkpoint, LearnedPrior.WeightsFile)));
    }

    static void LoadState(LayoutCorrector model, string path)
    {
        using var file = SafeTensorsFile.Open(path);
        PriorWeights.LoadInto(model, file);
    }
}
