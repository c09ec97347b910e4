using System.Diagnostics;
using System.Globalization;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>
/// One bench run: attainable matmul rate, counted U-Net FLOPs and achieved rate per model and size, the
/// <c>predict</c> path stage by stage, peak memory per size (child processes), the ONNX prior (the --prior model, else
/// the shipped learned prior exported to ONNX), training iterations per second, synthetic-scene and evaluation throughput. Sizes run in increasing order.
/// </summary>
public static class BenchmarkRunner
{
    public static BenchmarkReport Run(BenchmarkOptions options, IProgress<string>? status = null, CancellationToken ct = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Current();
        set_num_threads(options.Threads);
        var threads = new ThreadSettings(get_num_threads(), options.Threads, Environment.GetEnvironmentVariable(Compute.OpenMpSpin.Variable));
        var sizes = options.Sizes.Distinct().Order().ToList();
        var notes = new List<string>
        {
            "FLOPs count convolutions, linear layers and the two attention matmuls (2 FLOPs per multiply-add); bias adds, norms, activations, softmax, residual adds and resampling are not counted.",
            "Times are the best of the timed runs after a warm-up (matmul, U-Net, ONNX prior); each pipeline stage is its best over the runs and end-to-end is their sum; training it/s is from the median iteration (the best iteration is given too).",
            "U-Net compute in the overhead fraction = the U-Net calls as timed inside the pipeline run (best per step over the runs); autoencoder = encode + decode stages; the isolated forward is given beside it.",
            "Memory: one child process per (model, size); baseline = RSS after building the model, peak = VmHWM after one image.",
        };
        Directory.CreateDirectory(options.ScratchDir);
        try
        {
            status?.Report("matmul rate");
            var matmul = MatmulRate.Measure(options.MatmulSizes, options.Device, options.MinSeconds, ct);
            double attainable = matmul.Max(m => m.GFlops);

            var unet = new List<UNetForwardResult>();
            var pipeline = new List<PipelineResult>();
            using var prior = new SmoothImagePrior();
            foreach (var config in options.Configs)
            {
                var (refiner, weights) = RefinerFor(config, options);
                using var _ = refiner;
                refiner.Unet.eval();
                foreach (var size in sizes)
                {
                    status?.Report($"U-Net forward {config} {size}px");
                    var forward = UNetThroughput.Measure(refiner, config, size, attainable, options.MinSeconds, ct);
                    unet.Add(forward);
                    status?.Report($"predict {config} {size}px");
                    pipeline.Add(PipelineBenchmark.Measure(refiner, prior, config, size, options.Steps, options.PipelineRuns, options.MinSeconds,
                        forward.BestSeconds, Path.Combine(options.ScratchDir, "predict"), ct) with { Weights = weights });
                }
            }

            var memory = new List<MemoryResult>();
            if (options.MemoryProbe is { } probe)
                foreach (var config in options.Configs)
                    foreach (var size in sizes)
                    {
                        status?.Report($"peak memory {config} {size}px (child process)");
                        memory.Add(MemoryProbe.RunChild(probe, config, size, options.Steps, options.Threads, ct));
                    }
            else notes.Add("Memory figures skipped: no way to start a child process was given.");

            status?.Report("ONNX prior");
            var onnx = MeasureOnnxPrior(options, sizes[^1], notes, ct);

            var (trainModel, trainWidth, trainHeight, trainBatch) = DefaultTraining;
            status?.Report($"training iterations ({trainModel}, {trainWidth}x{trainHeight}, batch {trainBatch})");
            TrainingResult training;
            using (var refiner = CreateRefiner(trainModel, options.Device))
                training = TrainingBenchmark.Measure(refiner, trainModel, trainWidth, trainHeight, trainBatch, options.TrainingIterations, ct);

            MemoryStabilityResult? stability = null;
            if (ProcessMemory.Available)
            {
                status?.Report($"memory over {options.StabilityImages} images (tiny, {StabilitySize}px)");
                using var tiny = CreateRefiner("tiny", options.Device);
                tiny.Unet.eval();
                stability = MemoryStability.Measure(tiny, prior, "tiny", StabilitySize, options.StabilityImages, options.Steps, Path.Combine(options.ScratchDir, "stability"), ct);
            }

            status?.Report("synthetic scenes and evaluation");
            var data = new List<ThroughputResult>
            {
                DataThroughput.SyntheticScenes(options.SyntheticScenes, 256, 192, ct),
                DataThroughput.Evaluation(options.EvaluationScenes, 256, 192, Path.Combine(options.ScratchDir, "eval"), options.Threads, ct),
            };

            return new BenchmarkReport(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), options.Quick, machine,
                MachineInfo.LoadAverage(), threads, matmul, attainable, unet, pipeline, memory, Growth(unet, pipeline, memory),
                onnx, training, stability, data, clock.Elapsed.TotalSeconds, notes);
        }
        finally
        {
            if (Directory.Exists(options.ScratchDir)) Directory.Delete(options.ScratchDir, recursive: true);
        }
    }

    /// <summary>The --prior model, or else the shipped learned prior exported for the run; null (with a note) if neither exists.</summary>
    static OnnxPriorResult? MeasureOnnxPrior(BenchmarkOptions options, int size, List<string> notes, CancellationToken ct)
    {
        if (options.OnnxModel is { } model)
            return OnnxPriorBenchmark.Measure(model, size, options.Threads, options.MinSeconds, ct);
        try
        {
            var result = OnnxPriorBenchmark.MeasureShippedLearnedPrior(options.ScratchDir, size, options.Threads, options.MinSeconds, ct);
            notes.Add($"ONNX prior: no --prior given, so the timed model is the {result.Source}; pass --prior PATH to time another export (e.g. Depth Anything).");
            return result;
        }
        catch (FileNotFoundException e)
        {
            notes.Add($"ONNX prior not timed: no --prior given and {e.Message}");
            return null;
        }
    }

    /// <summary>The setting configs/train/default.json trains the shipped refiner with.</summary>
    static readonly (string Model, int Width, int Height, int Batch) DefaultTraining = ("small-taef2", 256, 192, 8);

    /// <summary>Image size of the memory-stability run: small, so 1,000 images take under a minute.</summary>
    const int StabilitySize = 128;

    /// <summary>The trained refiner of <see cref="BenchmarkOptions.Refiner"/> if it was trained as <paramref name="config"/>, else random weights.</summary>
    static (RefinerModel Refiner, string Weights) RefinerFor(string config, BenchmarkOptions options)
    {
        if (options.Refiner is { } folder && RefinerModel.TrainedModelSetting(folder) == config)
            return (RefinerModel.Load(folder, options.Device), $"trained ({folder})");
        return (CreateRefiner(config, options.Device), PipelineResult.Untrained);
    }

    public static RefinerModel CreateRefiner(string config, Device device) =>
        RefinerModel.Create(ModelConfigs.Load(config), Conditioning.ImageAndDepth, SchedulerConfig.MarigoldV1_1, 0, device);

    /// <summary>Smallest to largest size per model: each ratio divided by nothing, to be read against the pixel ratio.</summary>
    static List<GrowthResult> Growth(List<UNetForwardResult> unet, List<PipelineResult> pipeline, List<MemoryResult> memory)
    {
        var growth = new List<GrowthResult>();
        foreach (var config in unet.Select(u => u.Config).Distinct())
        {
            var u = unet.Where(x => x.Config == config).OrderBy(x => x.ImageSize).ToList();
            if (u.Count < 2) continue;
            var (a, b) = (u[0], u[^1]);
            var pa = pipeline.Single(p => p.Config == config && p.ImageSize == a.ImageSize);
            var pb = pipeline.Single(p => p.Config == config && p.ImageSize == b.ImageSize);
            var ma = memory.FirstOrDefault(m => m.Config == config && m.ImageSize == a.ImageSize);
            var mb = memory.FirstOrDefault(m => m.Config == config && m.ImageSize == b.ImageSize);
            growth.Add(new GrowthResult(config, a.ImageSize, b.ImageSize, b.ImageSize * (double)b.ImageSize / (a.ImageSize * (double)a.ImageSize),
                b.Flops / a.Flops, b.BestSeconds / a.BestSeconds, pb.EndToEndSeconds / pa.EndToEndSeconds,
                ma is null || mb is null ? null : mb.WorkingBytes / (double)ma.WorkingBytes));
        }
        return growth;
    }
}
