using BetterDepth.Priors;
using BetterDepth.Synthetic;

namespace BetterDepth.Benchmarks;

public sealed record OnnxPriorResult(string Model, int ImageSize, int IntraOpThreads, int Runs, double BestSeconds, double MedianSeconds);

/// <summary>Time of one ONNX Runtime prior prediction (pre- and post-processing included) on a rendered image.</summary>
public static class OnnxPriorBenchmark
{
    public static OnnxPriorResult Measure(string modelPath, int imageSize, int intraOpThreads, double minSeconds, CancellationToken ct = default)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model not found: {modelPath}", modelPath);
        using var prior = new OnnxDepthPrior(modelPath, intraOpThreads: intraOpThreads);
        var image = SceneRenderer.Render(imageSize, SceneKind.Outdoor, imageSize, imageSize).Image;
        var times = Timing.Measure(() => prior.Predict(image, ct), warmup: 1, minRuns: 3, maxRuns: 20, minSeconds: minSeconds, ct: ct);
        return new OnnxPriorResult(Path.GetFileName(modelPath), imageSize, intraOpThreads, times.Runs, times.Best, times.Median);
    }
}
