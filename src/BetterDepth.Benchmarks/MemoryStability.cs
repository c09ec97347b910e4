using System.Diagnostics;
using BetterDepth.Evaluation;
using BetterDepth.Geometry;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;

namespace BetterDepth.Benchmarks;

/// <summary>
/// Resident and managed memory while many images go through <c>predict</c> (pipeline + writing the outputs).
/// A tensor left undisposed in a loop shows as a steady climb; a flat line means every image's memory is returned.
/// </summary>
public sealed record MemoryStabilityResult(string Config, int ImageSize, int Images, int WarmupImages, double Seconds,
    double RssAfterWarmupMiB, double RssEndMiB, double RssMaxMiB, double RssSlopeMiBPer1000Images,
    double ManagedAfterWarmupMiB, double ManagedEndMiB);

public static class MemoryStability
{
    const double MiB = 1024 * 1024;

    /// <summary>Runs <paramref name="images"/> images after <paramref name="warmupImages"/> untimed ones, sampling memory every <paramref name="sampleEvery"/> images.</summary>
    public static MemoryStabilityResult Measure(RefinerModel refiner, IDepthPrior prior, string config, int imageSize, int images, int steps,
        string scratchDir, CancellationToken ct = default, int warmupImages = 20, int sampleEvery = 25)
    {
        if (!ProcessMemory.Available) throw new PlatformNotSupportedException("memory stability needs /proc/self/status (Linux)");
        if (images < sampleEvery * 2) throw new ArgumentException($"need at least {sampleEvery * 2} images, got {images}");
        // A few different scenes in turn, so the prior and the normalisation see changing content.
        var scenes = Enumerable.Range(0, 4).Select(i => SceneRenderer.Render(100 + i, i % 2 == 0 ? SceneKind.Indoor : SceneKind.Outdoor, imageSize, imageSize).Image).ToArray();
        var pipeline = new RefinementPipeline(prior, refiner, new RefinementOptions { Steps = steps, ProcessingResolution = imageSize });
        var writer = new PredictionWriter(PipelineBenchmark.Formats, savePrior: true); // every writing path, not only predict's default
        Directory.CreateDirectory(scratchDir);
        var stem = Path.Combine(scratchDir, "stability");

        for (int i = 0; i < warmupImages; i++) writer.Write(stem, scenes[i % scenes.Length], pipeline.Run(scenes[i % scenes.Length], null, ct));
        double rssStart = ProcessMemory.CurrentBytes() / MiB, managedStart = ManagedLiveBytes() / MiB;
        var samples = new List<(double Image, double RssMiB)> { (0, rssStart) };
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= images; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = scenes[i % scenes.Length];
            writer.Write(stem, image, pipeline.Run(image, null, ct));
            if (i % sampleEvery == 0) samples.Add((i, ProcessMemory.CurrentBytes() / MiB));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double managedEnd = ManagedLiveBytes() / MiB;
        // least-squares slope of RSS over the image index: MiB per image
        var slope = LeastSquares.Fit(samples.Select(s => (float)s.Image).ToArray(), samples.Select(s => (float)s.RssMiB).ToArray(),
            Enumerable.Repeat(true, samples.Count).ToArray()).Scale;
        return new MemoryStabilityResult(config, imageSize, images, warmupImages, seconds, rssStart, samples[^1].RssMiB,
            samples.Max(s => s.RssMiB), slope * 1000, managedStart, managedEnd);
    }

    /// <summary>
    /// Bytes the managed heap holds after a full collection, as that collection recorded them. Not GC.GetTotalMemory:
    /// under the regions GC its gen-0 estimate can underflow and come out negative (dotnet/runtime issue 106712).
    /// </summary>
    static long ManagedLiveBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers(); // finalisers free native tensors and may release more managed objects
        GC.Collect();
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }
}
