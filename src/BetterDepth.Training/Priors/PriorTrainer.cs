using System.Diagnostics;
using System.Globalization;
using BetterDepth.Priors.Learned;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Training.Priors;

/// <summary>
/// Trains <see cref="PriorCnn"/> with Adam on RGB-D pairs under <see cref="ScaleShiftInvariantLoss"/>.
/// The output folder holds the checkpoint folder (checkpoint/: prior.safetensors, optimizer.dat with Adam's moments,
/// averaged.safetensors with the weights' moving average if the run keeps one, and state.json with the step --resume
/// continues from), replaced as a whole by <see cref="AtomicFolder"/> so a kill at any moment leaves one consistent
/// checkpoint; prior.safetensors beside it (the deliverable: the averaged weights, or a copy of the checkpoint's) and
/// train_log.csv (<see cref="TrainingLog"/>).
/// Batches are a pure function of (seed, step), so a resumed run sees the same data as an uninterrupted one.
/// Cancellation saves a checkpoint at the last finished step; a non-finite loss stops before the update,
/// leaving the last good checkpoint untouched.
/// </summary>
public sealed class PriorTrainer(PriorTrainingOptions options, Device device)
{
    public const string WeightsFile = LearnedPrior.WeightsFile;
    public const string OptimizerFile = "optimizer.dat";
    public const string AveragedFile = "averaged.safetensors";
    const string PlotTitle = "PRIOR TRAINING LOSS";

    public sealed record Result(int StepsDone, double LastLoss, double SecondsPerStep, string WeightsPath);

    public Result Train(IPriorTrainingSource source, string outDir, bool resume, IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        if (source.Count == 0) throw new ArgumentException("the training source has no samples", nameof(source));
        Directory.CreateDirectory(outDir);
        var weightsPath = Path.Combine(outDir, WeightsFile);
        var checkpoint = PriorTrainingState.CheckpointFolder(outDir);

        var existing = PriorTrainingState.TryLoad(outDir);
        if (resume && existing is null) throw new ArgumentException($"--resume: no checkpoint ({PriorTrainingState.FileName}) in {outDir}");
        if (!resume && existing is not null)
            throw new ArgumentException($"{outDir} already holds a checkpoint: pass --resume to continue it or choose another folder");
        if (resume && options.InitWeights is not null)
            throw new ArgumentException($"--init starts a new run and --resume continues the one in {outDir}: give one of them");
        var state = resume ? existing : null;
        if (state is not null) CheckCompatible(state, outDir);

        random.manual_seed(options.Seed);
        using var model = state is not null ? PriorWeights.Load(Path.Combine(checkpoint, WeightsFile))
            : options.InitWeights is { } init ? LoadInit(init)
            : new PriorCnn(options.Model);
        model.to(device);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        if (state is not null) optimizer.load_state_dict(Path.Combine(checkpoint, OptimizerFile));
        var parameters = model.parameters().ToList();
        // Starts from the weights the run starts from (random, --init's, or the checkpoint's raw ones before its average is loaded).
        using var ema = options.EmaDecay is { } decay ? new ExponentialMovingAverage(parameters, decay) : null;
        if (state is not null && ema is not null)
            using (var averaged = PriorWeights.Load(Path.Combine(checkpoint, AveragedFile), device)) ema.Set(averaged.parameters().ToList());

        int step = state?.Step ?? 0;
        var log = TrainingLog.Open(Path.Combine(outDir, TrainingLog.FileName), step);
        var clock = Stopwatch.StartNew();
        int stepsThisRun = 0;
        double lastLoss = double.NaN, smoothed = double.NaN;
        progress?.Report(new WorkProgress(step, options.Steps, "starting"));

        while (step < options.Steps)
        {
            if (ct.IsCancellationRequested)
            {
                SaveCheckpoint(model, optimizer, ema, parameters, step, outDir);
                log.WritePlot(Path.Combine(outDir, TrainingLog.PlotFileName), PlotTitle);
                ct.ThrowIfCancellationRequested();
            }
            var lr = options.LearningRateAt(step);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            using (var scope = NewDisposeScope())
            {
                var batch = MakeBatch(source, step);
                optimizer.zero_grad();
                var prediction = model.forward(batch.Images);
                if (prediction.shape[2] != batch.Disparity.shape[2] || prediction.shape[3] != batch.Disparity.shape[3])
                    prediction = nn.functional.interpolate(prediction, size: [batch.Disparity.shape[2], batch.Disparity.shape[3]],
                        mode: InterpolationMode.Bilinear, align_corners: false);
                var loss = ScaleShiftInvariantLoss.Compute(prediction, batch.Disparity, batch.Valid, options.GradientWeight,
                    relativeWeight: options.RelativeWeight, logRatioWeight: options.LogRatioWeight, delta1Weight: options.Delta1Weight,
                    hardImagePower: options.HardImagePower);
                lastLoss = loss.item<float>();
                if (!double.IsFinite(lastLoss))
                    throw new TrainingDivergedException(
                        $"loss became {lastLoss} at step {step + 1}; training stopped. The last good checkpoint " +
                        (state is null && stepsThisRun == 0 && !File.Exists(weightsPath) ? "does not exist yet" : $"is kept in {outDir}") +
                        "; lower --lr and --resume from it.");
                loss.backward();
                optimizer.SafeStep();
                ema?.Update(parameters);
            }
            step++;
            stepsThisRun++;
            smoothed = double.IsNaN(smoothed) ? lastLoss : 0.95 * smoothed + 0.05 * lastLoss;
            var itPerSecond = stepsThisRun / clock.Elapsed.TotalSeconds;
            log.Append(step, lastLoss, lr, itPerSecond);
            progress?.Report(new WorkProgress(step, options.Steps,
                string.Create(CultureInfo.InvariantCulture, $"loss {smoothed:F4}, {itPerSecond:F2} it/s")));
            if (step % options.CheckpointEvery == 0 || step == options.Steps) SaveCheckpoint(model, optimizer, ema, parameters, step, outDir);
        }
        log.WritePlot(Path.Combine(outDir, TrainingLog.PlotFileName), PlotTitle);
        return new Result(step, lastLoss, stepsThisRun == 0 ? 0 : clock.Elapsed.TotalSeconds / stepsThisRun, weightsPath);
    }

    void CheckCompatible(PriorTrainingState state, string outDir)
    {
        var m = options.Model;
        if (state.Model != m)
            throw new ArgumentException($"{Path.Combine(outDir, PriorTrainingState.FileName)}: checkpoint is {Describe(state.Model)}, " +
                                        $"this run asks for {Describe(m)}");
        if (state.EmaDecay != options.EmaDecay)
            throw new ArgumentException($"{Path.Combine(outDir, PriorTrainingState.FileName)}: checkpoint was trained with " +
                                        (state.EmaDecay is { } d ? $"--ema-decay {d.ToString(CultureInfo.InvariantCulture)}" : "no weight average") + ", this run asks for " +
                                        (options.EmaDecay is { } o ? $"--ema-decay {o.ToString(CultureInfo.InvariantCulture)}" : "none"));
        if (state.Seed != options.Seed)
            throw new ArgumentException($"{Path.Combine(outDir, PriorTrainingState.FileName)}: checkpoint was trained with seed {state.Seed}, this run has {options.Seed}");
    }

    /// <summary>
    /// The --init network: the one this run trains (same channels and corrector), at this run's working size, with at most as
    /// many blocks of each kind per level; added blocks start as the identity (<see cref="PriorCnn.Reshaped"/>).
    /// </summary>
    PriorCnn LoadInit(string path)
    {
        var model = PriorWeights.Load(path);
        var c = model.Config;
        var m = options.Model;
        if (c == m) return model;
        using (model)
        {
            try { return model.Reshaped(m); }
            catch (ArgumentException) { throw new InvalidFileException(path, $"--init weights are {Describe(c)}, this run asks for {Describe(m)}"); }
        }
    }

    static string Describe(PriorCnnConfig c) =>
        $"a {c.BaseChannels}-channel network at {c.Width}x{c.Height}" + (c.ResidualBlocks > 0 ? $" with {c.ResidualBlocks} residual blocks per level" : "")
        + (c.AttentionBlocks > 0 ? $" and {c.AttentionBlocks} attention blocks per level" : "")
        + (c.EncoderBlocks > 0 ? $", {c.EncoderBlocks} in the encoder" : "")
        + (c.LayoutChannels > 0 ? $", with a layout corrector" : "");

    void SaveCheckpoint(PriorCnn model, TorchSharp.Modules.OptimizerHelper optimizer, ExponentialMovingAverage? ema,
                        IReadOnlyList<TorchSharp.Modules.Parameter> parameters, int step, string outDir)
    {
        var checkpoint = PriorTrainingState.CheckpointFolder(outDir);
        var metadata = new Dictionary<string, string> { ["step"] = step.ToString(CultureInfo.InvariantCulture) };
        AtomicFolder.Replace(checkpoint, temp =>
        {
            PriorWeights.Save(model, Path.Combine(temp, WeightsFile), metadata);
            optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
            if (ema is not null)
                using (ema.Swap(parameters))
                    PriorWeights.Save(model, Path.Combine(temp, AveragedFile), new Dictionary<string, string>(metadata) { ["ema_decay"] = ema.Decay.ToString(CultureInfo.InvariantCulture) });
            PriorTrainingState.Of(options, step).Save(temp);
        });
        // The deliverable beside the checkpoint: replaced atomically, so a reader never sees half a file.
        AtomicFile.WriteAllBytes(Path.Combine(outDir, WeightsFile), File.ReadAllBytes(Path.Combine(checkpoint, ema is null ? WeightsFile : AveragedFile)));
    }

    sealed record Batch(Tensor Images, Tensor Disparity, Tensor Valid);

    /// <summary>
    /// The batch of <paramref name="step"/>: which samples, their crops, mirrors and colour changes depend only on
    /// (seed, step). Targets come at the working size (<see cref="PriorAugmentation"/>), which is where the loss is taken.
    /// </summary>
    Batch MakeBatch(IPriorTrainingSource source, int step)
    {
        var rng = new Random(unchecked(options.Seed * 1_000_003 + step));
        int width = options.Model.Width, height = options.Model.Height;
        var images = new RgbImage[options.BatchSize];
        var disparities = new Tensor[options.BatchSize];
        var masks = new Tensor[options.BatchSize];
        for (int i = 0; i < options.BatchSize; i++)
        {
            var sample = source.Get(rng.Next(source.Count));
            var flip = options.HorizontalFlip && rng.Next(2) == 1;
            var (disparity, valid) = TargetDisparity(sample);
            var augmented = PriorAugmentation.Apply(sample.Image, disparity, valid, width, height, rng, options.Augment, flip);
            images[i] = augmented.Image;
            disparities[i] = tensor(augmented.Disparity, [1, height, width]);
            masks[i] = tensor(augmented.Valid, [1, height, width]);
        }
        var input = PriorInput.Batch(images, width, height, device);
        return new Batch(input, stack(disparities).to(device), stack(masks).to(device));
    }

    /// <summary>Ground-truth disparity 1/depth where depth is valid and positive, 0 (and invalid) elsewhere.</summary>
    static (float[] Disparity, bool[] Valid) TargetDisparity(PriorTrainingSample sample)
    {
        var depth = sample.Depth.Values;
        var disparity = new float[depth.Length];
        var valid = new bool[depth.Length];
        for (int i = 0; i < depth.Length; i++)
        {
            var ok = sample.Valid[i] && depth[i] > 0 && float.IsFinite(depth[i]);
            valid[i] = ok;
            disparity[i] = ok ? 1f / depth[i] : 0f;
        }
        return (disparity, valid);
    }
}
