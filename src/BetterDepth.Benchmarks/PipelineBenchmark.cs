using System.Diagnostics;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;

namespace BetterDepth.Benchmarks;

public sealed record StageSeconds(string Stage, double Seconds);

/// <summary>
/// One image through the whole <c>predict</c> path at one size. <see cref="OverheadFraction"/> is
/// (end-to-end - prior - U-Net calls - autoencoder) / end-to-end, each part as timed inside the run itself: what is
/// left is resizing, normalisation, scheduler steps, tensor copies, ensembling and writing.
/// <see cref="UNetForwardSeconds"/> is the isolated forward of the U-Net measurement, for comparison with the
/// in-pipeline <see cref="UNetComputeSeconds"/> / steps.
/// </summary>
public sealed record PipelineResult(string Config, int ImageSize, int Steps, int Runs, double EndToEndSeconds,
    IReadOnlyList<StageSeconds> Stages, double PriorSeconds, double UNetForwardSeconds, double UNetComputeSeconds, double AutoencoderSeconds, double OverheadFraction,
    int StreamedImages, double StreamedSecondsPerImage, double StreamedOverheadFraction)
{
    public const string Untrained = "untrained (random)";

    /// <summary>The refiner's weights: <see cref="Untrained"/>, or "trained (FOLDER)".</summary>
    public string Weights { get; init; } = Untrained;
}

/// <summary>
/// Times <see cref="RefinementPipeline.Run"/> plus writing the outputs, as <c>betterdepth predict</c> does per image.
/// End-to-end = the sum of the stages' best times over the runs, "untimed" being the work between the pipeline's stages.
/// </summary>
public static class PipelineBenchmark
{
    public const OutputFormats Formats = OutputFormats.Npy | OutputFormats.Png16 | OutputFormats.Color;

    /// <param name="runs">Timed runs at least; more follow until <paramref name="minSeconds"/> have passed (at most
    /// <see cref="MaxRuns"/>), so a fast size gets as many chances at an undisturbed run as a slow one.</param>
    /// <param name="unetForwardSeconds">The isolated U-Net forward time at this size (see <see cref="UNetThroughput"/>).</param>
    public static PipelineResult Measure(RefinerModel refiner, IDepthPrior prior, string config, int imageSize, int steps, int runs, double minSeconds,
        double unetForwardSeconds, string scratchDir, CancellationToken ct = default)
    {
        if (runs < 1) throw new ArgumentException($"runs must be >= 1, got {runs}");
        var image = SceneRenderer.Render(imageSize, SceneKind.Indoor, imageSize, imageSize).Image;
        var pipeline = new RefinementPipeline(prior, refiner, new RefinementOptions { Steps = steps, ProcessingResolution = imageSize });
        var writer = new PredictionWriter(Formats);
        Directory.CreateDirectory(scratchDir);

        RunOnce(pipeline, writer, image, scratchDir, ct); // warm-up: first-call costs are not per-image costs
        // Each stage's best over the runs: on a shared machine the least disturbed figure of each stage.
        var best = new Dictionary<string, double>();
        var order = new List<string>();
        long timed = Stopwatch.GetTimestamp();
        int done = 0;
        for (; done < runs || (done < MaxRuns && Stopwatch.GetElapsedTime(timed).TotalSeconds < minSeconds); done++)
        {
            foreach (var stage in RunOnce(pipeline, writer, image, scratchDir, ct))
            {
                if (!best.TryGetValue(stage.Stage, out var seen)) { order.Add(stage.Stage); seen = double.PositiveInfinity; }
                best[stage.Stage] = Math.Min(seen, stage.Seconds);
            }
        }
        var stages = order.Select(s => new StageSeconds(s, best[s])).ToList();
        double total = stages.Sum(s => s.Seconds);
        var (priorSeconds, unet, autoencoder) = ModelCompute(stages);
        double overhead = (total - priorSeconds - unet - autoencoder) / total;
        int images = Math.Clamp((int)Math.Ceiling(2 * minSeconds / total), MinStreamedImages, MaxStreamedImages);
        var (streamed, streamedOverhead) = Streamed(pipeline, writer, imageSize, images, scratchDir, ct);
        return new PipelineResult(config, imageSize, steps, done, total, stages, priorSeconds, unetForwardSeconds, unet, autoencoder, overhead,
            images, streamed, streamedOverhead);
    }

    public const int MaxRuns = 40;

    /// <summary>
    /// Images in the many-image run (what <c>betterdepth predict FOLDER</c> does, decoding and writing included): enough
    /// for about twice the minimum measuring time, within these bounds.
    /// </summary>
    public const int MinStreamedImages = 6, MaxStreamedImages = 24;

    /// <summary>Seconds of the prior, of the U-Net calls and of the autoencoder among a run's stages.</summary>
    static (double Prior, double UNet, double Autoencoder) ModelCompute(IEnumerable<StageSeconds> stages)
    {
        double prior = 0, unet = 0, autoencoder = 0;
        foreach (var (stage, seconds) in stages)
        {
            if (stage == "prior") prior += seconds;
            else if (stage.StartsWith(StageTimings.UNetStage, StringComparison.Ordinal)) unet += seconds;
            else if (stage is "encode" or "decode") autoencoder += seconds;
        }
        return (prior, unet, autoencoder);
    }

    /// <summary>
    /// Wall seconds per image of <see cref="PredictionBatch"/> over PNG files on disk (decode, refine, write with the
    /// writing of one image overlapped with the next image's compute), after one untimed image; and its overhead
    /// fraction against the model compute timed inside the same images, so both sides carry the same run's noise.
    /// </summary>
    static (double SecondsPerImage, double OverheadFraction) Streamed(RefinementPipeline pipeline, PredictionWriter writer, int imageSize, int images, string scratchDir, CancellationToken ct)
    {
        var inputDir = Path.Combine(scratchDir, "streamed-in");
        var inputs = new List<ImageInput>();
        for (int i = 0; i <= images; i++)
        {
            var path = Path.Combine(inputDir, $"scene{i}.png");
            ImageFile.WritePng(path, SceneRenderer.Render(1000 + i, i % 2 == 0 ? SceneKind.Indoor : SceneKind.Outdoor, imageSize, imageSize).Image);
            inputs.Add(new ImageInput(path, $"scene{i}"));
        }
        var batch = new PredictionBatch(pipeline, writer);
        var outDir = Path.Combine(scratchDir, "streamed-out");
        batch.Run(inputs.Take(1).ToList(), outDir, _ => false, null, ct);
        long start = Stopwatch.GetTimestamp();
        var outcome = batch.Run(inputs.Skip(1).ToList(), outDir, _ => false, null, ct);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (outcome.Written != images) throw new InvalidOperationException($"streamed run wrote {outcome.Written} of {images} images");
        var (prior, unet, autoencoder) = ModelCompute(outcome.Timings.Stages.Select(s => new StageSeconds(s.Stage, s.Seconds)));
        return (seconds / images, (seconds - prior - unet - autoencoder) / seconds);
    }

    /// <summary>One image: the pipeline's own stage timings plus the time to write its outputs.</summary>
    static List<StageSeconds> RunOnce(RefinementPipeline pipeline, PredictionWriter writer, RgbImage image, string scratchDir, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        var result = pipeline.Run(image, null, ct);
        long written = Stopwatch.GetTimestamp();
        writer.Write(Path.Combine(scratchDir, "bench"), image, result);
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var stages = result.Timings.Stages.Select(s => new StageSeconds(s.Stage, s.Seconds)).ToList();
        stages.Add(new StageSeconds("write", Stopwatch.GetElapsedTime(written).TotalSeconds));
        // Work between the pipeline's timed stages (turning the prior into the [-1, 1] condition, tensor set-up).
        stages.Add(new StageSeconds("untimed", Math.Max(0, total - stages.Sum(s => s.Seconds))));
        return stages;
    }
}
