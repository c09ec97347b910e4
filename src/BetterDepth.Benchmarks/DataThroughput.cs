using System.Diagnostics;
using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Synthetic;

namespace BetterDepth.Benchmarks;

public sealed record ThroughputResult(string Name, int Items, int Width, int Height, double Seconds, double ItemsPerSecond, string Note);

/// <summary>Throughput of the CPU-only parts: rendering synthetic scenes and scoring predictions.</summary>
public static class DataThroughput
{
    /// <summary>Renders <paramref name="count"/> mixed scenes, one after another (each renders its rows in parallel).</summary>
    public static ThroughputResult SyntheticScenes(int count, int width, int height, CancellationToken ct = default)
    {
        SceneRenderer.Render(-1, SceneKind.Mixed, width, height); // warm-up (JIT)
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            SceneRenderer.Render(SyntheticDataset.SceneSeed(7, i), SceneKind.Mixed, width, height);
        }
        double s = clock.Elapsed.TotalSeconds;
        return new ThroughputResult("synthetic scenes (SceneRenderer.Render, mixed, anti-aliased)", count, width, height, s, count / s, "rendering only, no file writing");
    }

    /// <summary>
    /// Writes a synthetic dataset of <paramref name="count"/> scenes, a disparity prediction per scene (true disparity
    /// times 3 plus 0.1 with a smooth error, so the fit has work to do), then times <see cref="Evaluator.Run"/> on it.
    /// </summary>
    public static ThroughputResult Evaluation(int count, int width, int height, string scratchDir, int parallelism, CancellationToken ct = default)
    {
        var dataDir = Path.Combine(scratchDir, "eval-data");
        var predictions = Path.Combine(scratchDir, "eval-predictions");
        if (Directory.Exists(scratchDir)) Directory.Delete(scratchDir, recursive: true);
        SyntheticDataset.Write(dataDir, new SyntheticDatasetOptions(count, width, height, 11, SceneKind.Mixed), cancellation: ct);
        var dataset = EvaluationDataset.Open(Path.Combine(dataDir, "dataset.json"), dataDir, Path.Combine(dataDir, "all.txt"));
        foreach (var sample in dataset.Samples)
        {
            var gt = sample.LoadGroundTruth();
            var values = new float[gt.Depth.PixelCount];
            for (int i = 0; i < values.Length; i++)
            {
                float d = gt.Depth.Values[i];
                values[i] = d > 0 ? 3f / d + 0.1f + 0.02f * MathF.Sin(i * 0.001f) : 0.05f;
            }
            var path = Path.Combine(predictions, Path.ChangeExtension(sample.RgbPath, ".npy"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            DepthFile.WriteNpy(path, new DepthMap(gt.Depth.Width, gt.Depth.Height, DepthKind.AffineDisparity, values));
        }

        var options = new EvaluationOptions { PredictionsAre = PredictionContent.Disparity, MaxParallelism = parallelism };
        Evaluator.Run(dataset, predictions, options, cancellation: ct); // warm-up (JIT, file cache)
        var clock = Stopwatch.StartNew();
        var report = Evaluator.Run(dataset, predictions, options, cancellation: ct);
        double s = clock.Elapsed.TotalSeconds;
        int n = dataset.Samples.Count;
        return new ThroughputResult("evaluation (Evaluator.Run, disparity alignment, 10 depth metrics)", n, width, height, s, n / s,
            $"{parallelism} parallel samples; abs_rel {report.Means[DepthMetrics.AbsRel]:F4}");
    }
}
