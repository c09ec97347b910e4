using BetterDepth.Priors;
using BetterDepth.Priors.Learned;
using BetterDepth.Synthetic;
using BetterDepth.Training.Onnx;

namespace BetterDepth.Benchmarks;

/// <param name="Model">File name of the timed ONNX model.</param>
/// <param name="Source">Where the model came from: the --prior path, or the shipped learned prior exported for the run.</param>
public sealed record OnnxPriorResult(string Model, string Source, string Preset, int ImageSize, int IntraOpThreads, int Runs, double BestSeconds, double MedianSeconds);

/// <summary>Time of one ONNX Runtime prior prediction (pre- and post-processing included) on a rendered image.</summary>
public static class OnnxPriorBenchmark
{
    public static OnnxPriorResult Measure(string modelPath, int imageSize, int intraOpThreads, double minSeconds, CancellationToken ct = default,
                                          string? source = null)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model not found: {modelPath}", modelPath);
        using var prior = new OnnxDepthPrior(modelPath, intraOpThreads: intraOpThreads);
        var image = SceneRenderer.Render(imageSize, SceneKind.Outdoor, imageSize, imageSize).Image;
        var times = Timing.Measure(() => prior.Predict(image, ct), warmup: 1, minRuns: 3, maxRuns: 20, minSeconds: minSeconds, ct: ct);
        return new OnnxPriorResult(Path.GetFileName(modelPath), source ?? $"--prior {modelPath}", prior.Preset.Name, imageSize, intraOpThreads,
            times.Runs, times.Best, times.Median);
    }

    /// <summary>
    /// No model given: the shipped learned prior (found as <see cref="LearnedPrior.FindDefaultWeights"/> does), exported
    /// into <paramref name="scratchDir"/> with its fixed working size, i.e. the work the <c>learned</c> prior does per image.
    /// </summary>
    public static OnnxPriorResult MeasureShippedLearnedPrior(string scratchDir, int imageSize, int intraOpThreads, double minSeconds, CancellationToken ct = default)
    {
        var weights = LearnedPrior.FindDefaultWeights();
        var path = Path.Combine(scratchDir, "onnx", "prior-cnn.onnx");
        var config = PriorCnnOnnxExport.Export(weights, path, fixedSize: true);
        var source = $"shipped learned prior {weights}, exported to ONNX with a fixed {config.Width}x{config.Height} input";
        return Measure(path, imageSize, intraOpThreads, minSeconds, ct, source);
    }
}
