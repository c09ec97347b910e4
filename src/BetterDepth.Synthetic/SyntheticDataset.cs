using System.Text;
using System.Text.Json;
using BetterDepth.Imaging;

namespace BetterDepth.Synthetic;

/// <summary>What <see cref="SyntheticDataset.Write"/> generates: <paramref name="Count"/> scenes of the given size and kind from run seed <paramref name="Seed"/>.</summary>
public sealed record SyntheticDatasetOptions(int Count, int Width, int Height, long Seed, SceneKind Kind,
                                            double TestFraction = 0.1, bool Antialias = true)
{
    /// <summary>Metric range written to dataset.json; no valid synthetic depth lies outside it.</summary>
    public const double MinDepth = 0.001, MaxDepth = 80.0;

    public void Validate()
    {
        if (Count < 1 || Count > 999_999) throw new ArgumentOutOfRangeException(nameof(Count), $"count must be 1..999999 (six-digit file names), got {Count}");
        if (Width < 8 || Height < 8 || Width > 8192 || Height > 8192)
            throw new ArgumentOutOfRangeException(nameof(Width), $"size must be 8..8192 pixels per side, got {Width}x{Height}");
        if (!(TestFraction >= 0 && TestFraction < 1)) throw new ArgumentOutOfRangeException(nameof(TestFraction), $"test fraction must be in [0, 1), got {TestFraction}");
    }
}

/// <summary>
/// Writes a synthetic RGB-D dataset folder (layout in docs/dev/CONTRACTS.md): rgb/NNNNNN.png,
/// depth/NNNNNN.npy (float32 metres, 0 = invalid), depth/NNNNNN.png (uint16 millimetres, clamped at 65.535 m),
/// intrinsics/NNNNNN.json, split files all/train/test.txt, dataset.json (eval's user dataset description)
/// and synth.json (how it was generated). Scene i renders from a seed derived from (run seed, i), so a scene
/// does not depend on the count, and every file is byte-identical for the same options.
/// </summary>
public static class SyntheticDataset
{
    public static string Stem(int index) => index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The seed scene <paramref name="index"/> of a run is rendered from.</summary>
    public static long SceneSeed(long runSeed, int index) => SceneRandom.Derive(runSeed, index);

    /// <summary>
    /// Indices of the test scenes: the round(count * fraction) scenes (at least one when the fraction is
    /// positive and there are two or more scenes) with the smallest hash of (seed, index); deterministic, spread over the run.
    /// </summary>
    public static SortedSet<int> TestScenes(long runSeed, int count, double fraction)
    {
        int wanted = (int)Math.Round(count * fraction, MidpointRounding.AwayFromZero);
        if (fraction > 0 && count >= 2) wanted = Math.Max(wanted, 1);
        wanted = Math.Min(wanted, count - 1); // always keep a training scene
        long splitSeed = SceneRandom.Derive(runSeed, -1);
        var order = Enumerable.Range(0, count).OrderBy(i => (ulong)SceneRandom.Derive(splitSeed, i)).ThenBy(i => i);
        return new SortedSet<int>(order.Take(Math.Max(0, wanted)));
    }

    /// <summary>Renders and writes all scenes (in parallel over scenes, each file atomically), then the split files and descriptions. On cancellation no split files are written.</summary>
    public static void Write(string folder, SyntheticDatasetOptions options, IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options.Validate();
        foreach (var sub in (ReadOnlySpan<string>)["rgb", "depth", "intrinsics"]) Directory.CreateDirectory(Path.Combine(folder, sub));

        var render = new RenderOptions(options.Antialias, ParallelRows: false);
        var kinds = new SceneKind[options.Count];
        long done = 0;
        progress?.Report(new WorkProgress(0, options.Count, "rendering"));
        Parallel.For(0, options.Count, new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, state) =>
        {
            if (cancellation.IsCancellationRequested) { state.Stop(); return; }
            var sample = SceneRenderer.Render(SceneSeed(options.Seed, i), options.Kind, options.Width, options.Height, render);
            WriteScene(folder, i, sample);
            kinds[i] = sample.Kind;
            progress?.Report(new WorkProgress(Interlocked.Increment(ref done), options.Count, "rendering"));
        });
        cancellation.ThrowIfCancellationRequested();

        var test = TestScenes(options.Seed, options.Count, options.TestFraction);
        string Line(int i) => $"rgb/{Stem(i)}.png depth/{Stem(i)}.npy\n";
        var all = Enumerable.Range(0, options.Count).ToArray();
        WriteText(Path.Combine(folder, "all.txt"), string.Concat(all.Select(Line)));
        WriteText(Path.Combine(folder, "train.txt"), string.Concat(all.Where(i => !test.Contains(i)).Select(Line)));
        WriteText(Path.Combine(folder, "test.txt"), string.Concat(test.Select(Line)));
        WriteText(Path.Combine(folder, "dataset.json"), DatasetJson(options));
        WriteText(Path.Combine(folder, "synth.json"), GeneratorJson(options, kinds));
    }

    /// <summary>The files of one scene; NPY holds the exact depth, the PNG millimetres for viewers and tools that want integers.</summary>
    public static void WriteScene(string folder, int index, SyntheticSample sample)
    {
        string stem = Stem(index);
        ImageFile.WritePng(Path.Combine(folder, "rgb", stem + ".png"), sample.Image);
        DepthFile.WriteNpy(Path.Combine(folder, "depth", stem + ".npy"), sample.Depth);
        DepthFile.WritePng16(Path.Combine(folder, "depth", stem + ".png"), sample.Depth, 1000);
        sample.Intrinsics.Save(Path.Combine(folder, "intrinsics", stem + ".json"));
    }

    static string DatasetJson(SyntheticDatasetOptions o) => Json(new
    {
        name = "synthetic",
        split = "test.txt",
        depth = new { encoding = "npy", metres_per_unit = 1.0, width = o.Width, height = o.Height },
        min_depth = SyntheticDatasetOptions.MinDepth,
        max_depth = SyntheticDatasetOptions.MaxDepth,
        crop = new { top = 0, bottom = 0, left = 0, right = 0 },
        mask_column = (int?)null,
    });

    static string GeneratorJson(SyntheticDatasetOptions o, SceneKind[] kinds) => Json(new
    {
        generator = "betterdepth synth",
        seed = o.Seed,
        kind = o.Kind.ToString().ToLowerInvariant(),
        count = o.Count,
        width = o.Width,
        height = o.Height,
        test_fraction = o.TestFraction,
        antialias = o.Antialias,
        indoor_scenes = kinds.Count(k => k == SceneKind.Indoor),
        outdoor_scenes = kinds.Count(k => k is SceneKind.Outdoor or SceneKind.Pavement),
        desk_scenes = kinds.Count(k => k == SceneKind.Desk),
    });

    static string Json(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }) + "\n";

    static void WriteText(string path, string text) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
}
