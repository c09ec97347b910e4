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
/// (<see cref="BuildCache"/>): image, prior disparity and ground-truth disparity at the prior's output grid go to a cache
/// file, and training then reads only that, mirrored at random; the loss is the prior's own (<see cref="ScaleShiftInvariantLoss"/>
/// with the options' weights) on the corrected disparity. Checkpoints as <see cref="PriorTrainer"/>'s: one folder
/// replaced atomically, the averaged weights beside it as the deliverable, --resume continuing the step and Adam's moments.
/// </summary>
public sealed class LayoutCorrectorTrainer(PriorTrainingOptions options, Device device)
{
    public const string WeightsFile = "layout.safetensors";
    const string CheckpointFolderName = "checkpoint", RawFile = "raw.safetensors", OptimizerFile = "optimizer.dat", StepFile = "step.txt";

    /// <summary>
    /// Runs <paramref name="prior"/> over every sample of <paramref name="source"/> (which must be at the prior's working
    /// size) and writes image, prior and target at the output grid to <paramref name="cachePath"/>.
    /// </summary>
    static void BuildCache(PriorCnn prior, IPriorTrainingSource source, string cachePath, Device device, string priorIdentity, string dataIdentity,
                           IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        int width = prior.Config.Width, height = prior.Config.Height, chunk = 16;
        var images = new List<Tensor>(); var priors = new List<Tensor>(); var targets = new List<Tensor>(); var valids = new List<Tensor>();
        prior.eval();
        try
        {
            for (int start = 0; start < source.Count; start += chunk)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var samples = Enumerable.Range(start, Math.Min(chunk, source.Count - start)).Select(source.Get).ToList();
                foreach (var s in samples)
                    if (s.Image.Width != width || s.Image.Height != height)
                        throw new ArgumentException($"scene of {s.Image.Width}x{s.Image.Height}; the cache needs scenes at the prior's working size {width}x{height}");
                var input = PriorInput.Batch([.. samples.Select(s => s.Image)], width, height, device);
                var disparity = prior.forward(input);
                var depth = stack(samples.Select(s => tensor(s.Depth.Values, [1, height, width]))).to(device);
                var ok = stack(samples.Select(s => tensor(s.Valid, [1, height, width]))).to(device).to(ScalarType.Float32) * depth.Greater(0).to(ScalarType.Float32);
                var target = ok / depth.AtLeast(1e-6);
                var count = nn.functional.avg_pool2d(ok, LayoutCorrector.InputStride);
                var meanTarget = nn.functional.avg_pool2d(target, LayoutCorrector.InputStride) / count.AtLeast(1e-6);
                images.Add(LayoutCorrector.ToInputGrid(input).cpu().MoveToOuterDisposeScope());
                priors.Add(LayoutCorrector.ToInputGrid(disparity).cpu().MoveToOuterDisposeScope());
                targets.Add(meanTarget.cpu().MoveToOuterDisposeScope());
                // A cell counts when at least half its pixels have depth (the count is a multiple of 1/16).
                valids.Add(count.Greater(0.5 - 1.0 / 32).to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
                progress?.Report(new WorkProgress(Math.Min(start + chunk, source.Count), source.Count, "caching the prior"));
            }
            using var all = new CachedScenes(cat(images, 0), cat(priors, 0), cat(targets, 0), cat(valids, 0));
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "betterdepth-layout-cache",
                ["working_size"] = $"{width}x{height}",
                ["prior"] = priorIdentity,
                ["data"] = dataIdentity,
            };
            // Written beside, then renamed: a killed run leaves no cache that looks complete.
            var partial = cachePath + ".partial";
            SafeTensorsWriter.Write(partial, CachedScenes.Keys.Zip(all.Tensors, KeyValuePair.Create), metadata);
            File.Move(partial, cachePath, overwrite: true);
        }
        finally
        {
            foreach (var t in images.Concat(priors).Concat(targets).Concat(valids)) t.Dispose();
        }
    }

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
        var identity = PriorWeights.ContentHash(priorPath);
        var cachePaths = new List<string>();
        for (int i = 0; i < data.Count; i++)
        {
            var cachePath = Path.Combine(outDir, "cache", $"{i}.safetensors");
            if (File.Exists(cachePath)) CheckCache(cachePath, identity, data[i].Identity);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(cachePath)!);
                BuildCache(priorNetwork, data[i].Source, cachePath, device, identity, data[i].Identity, progress, ct);
            }
            cachePaths.Add(cachePath);
        }

        using var scenes = LoadCaches(cachePaths);
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
        return new Result(step, lastLoss, stepsThisRun == 0 ? 0 : clock.Elapsed.TotalSeconds / stepsThisRun, Path.Combine(outDir, LearnedPrior.WeightsFile));
    }

    static CachedScenes LoadCaches(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no cache files");
        var parts = new List<Tensor>[4] { [], [], [], [] };
        string? size = null;
        foreach (var path in paths)
        {
            using var file = SafeTensorsFile.Open(path);
            if (!file.Metadata.TryGetValue("format", out var f) || f != "betterdepth-layout-cache")
                throw new InvalidFileException(path, "not a layout-corrector cache (made by LayoutCorrectorTrainer.BuildCache)");
            var s = file.Metadata.GetValueOrDefault("working_size");
            if (size is not null && s != size) throw new InvalidFileException(path, $"cache of working size {s}, the others are {size}");
            size = s;
            for (int i = 0; i < 4; i++) parts[i].Add(file.Read(CachedScenes.Keys[i]));
        }
        Tensor Join(List<Tensor> list) { var t = cat(list, 0); foreach (var p in list) p.Dispose(); return t; }
        return new CachedScenes(Join(parts[0]), Join(parts[1]), Join(parts[2]), Join(parts[3]));
    }

    static void CheckCache(string path, string priorIdentity, string dataIdentity)
    {
        using var file = SafeTensorsFile.Open(path);
        if (file.Metadata.GetValueOrDefault("prior") != priorIdentity)
            throw new InvalidFileException(path, "cached for another prior than --prior; delete the run's cache folder or choose another output");
        if (file.Metadata.GetValueOrDefault("data") != dataIdentity)
            throw new InvalidFileException(path, $"cached from {file.Metadata.GetValueOrDefault("data")}, not {dataIdentity}; give the run's --data folders in the same order");
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

    /// <summary>The cache's four tensors, all at the prior's output grid, scenes along the first axis.</summary>
    sealed record CachedScenes(Tensor Image, Tensor Prior, Tensor Target, Tensor Valid) : IDisposable
    {
        public static readonly string[] Keys = ["image", "prior", "target", "valid"];
        public Tensor[] Tensors => [Image, Prior, Target, Valid];
        public void Dispose() { foreach (var t in Tensors) t.Dispose(); }
    }
}
