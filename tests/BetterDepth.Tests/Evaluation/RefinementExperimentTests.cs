using BetterDepth.Cli;
using BetterDepth.Diffusion;
using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;
using Spectre.Console;
using BetterDepth.Training;
using TorchSharp;

namespace BetterDepth.Tests.Evaluation;

public class RefinementExperimentTests
{
    /// <summary>A prior that knows the answer: the scene's true disparity, found by image key.</summary>
    sealed class OraclePrior(string dataDir) : IDepthPrior
    {
        public string Name => "oracle";
        public DepthKind OutputKind => DepthKind.AffineDisparity;
        public bool UsesImageKey => true;
        public DepthMap Predict(RgbImage image, CancellationToken ct = default) => throw new ArgumentException("needs a key");
        public DepthMap Predict(RgbImage image, string? imageKey, CancellationToken ct = default)
        {
            var depth = DepthFile.ReadNpy(Path.Combine(dataDir, "depth", Path.GetFileNameWithoutExtension(imageKey!) + ".npy"), DepthKind.Depth);
            var d = depth.Values.Select(v => v > 0 ? 1f / v : 0f).ToArray();
            return new DepthMap(depth.Width, depth.Height, DepthKind.AffineDisparity, d);
        }
        public void Dispose() { }
    }

    static string TinyRefiner()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "tiny");
        using var model = RefinerModel.Create(ModelConfigs.Load("tiny"), Conditioning.ImageAndDepth, SchedulerConfig.MarigoldV1_0, 1, torch.CPU);
        model.Save(folder);
        return folder;
    }

    [Fact]
    public void ScoresPriorAndRefinedOnTheSameSamplesAndWritesBothPredictions()
    {
        var data = TestData.NewTempDir("exp-data");
        SyntheticDataset.Write(data, new SyntheticDatasetOptions(3, 40, 32, 5, SceneKind.Indoor));
        var dataset = EvaluationDataset.Open(Path.Combine(data, "dataset.json"), null, Path.Combine(data, "all.txt"));
        var outDir = TestData.NewTempDir("exp-out");
        using var refiner = RefinerModel.Load(TinyRefiner(), torch.CPU);
        using var prior = new OraclePrior(data);

        var result = RefinementExperiment.Run(dataset, prior, refiner, new RefinementOptions { ProcessingResolution = 0 }, outDir, montageRows: 2);

        Assert.Equal(3, result.Prior.EvaluatedCount);
        Assert.Equal(3, result.Refined.EvaluatedCount);
        Assert.True(File.Exists(Path.Combine(outDir, "prior", "rgb", "000002.npy")));
        Assert.True(File.Exists(Path.Combine(outDir, "refined", "rgb", "000002.npy")));
        // The oracle prior is the exact disparity: after disparity alignment it is perfect up to float rounding.
        Assert.True(result.Prior.Means[DepthMetrics.AbsRel] < 1e-4, $"oracle prior AbsRel {result.Prior.Means[DepthMetrics.AbsRel]}");
        // An untrained refiner produces noise-derived maps: clearly worse than the oracle it was given.
        Assert.True(result.Refined.Means[DepthMetrics.AbsRel] > 10 * result.Prior.Means[DepthMetrics.AbsRel] + 1e-3);
        Assert.Equal(2, result.MontageRows.Count);

        var montage = ComparisonMontage.Render(result.MontageRows);
        Assert.True(montage.Width >= 6 * 40 && montage.Height >= 2 * 32);
    }

    [Fact]
    public void MontageErrorTileOfAPerfectPredictionIsTheZeroColour()
    {
        int w = 24, h = 16;
        var depth = new DepthMap(w, h, DepthKind.Depth, Enumerable.Range(0, w * h).Select(i => 1f + (i % w) * 0.1f).ToArray());
        var valid = Enumerable.Repeat(true, w * h).ToArray();
        var disparity = new DepthMap(w, h, DepthKind.AffineDisparity, depth.Values.Select(v => 3f / v + 2f).ToArray());
        var image = new RgbImage(w, h);
        var montage = ComparisonMontage.Render([new MontageRow(image, depth, valid, [("perfect", disparity)])]);
        // Columns: image, ground truth, prediction, error. The error tile starts at x = 4 + 3 * (w + 4).
        var zero = ColorMaps.Lookup(ColorMap.Turbo, 0);
        int x0 = 4 + 3 * (w + 4), y0 = 14 + 4;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = 3 * ((y0 + y) * montage.Width + x0 + x);
                Assert.Equal((zero.R, zero.G, zero.B), (montage.Data[i], montage.Data[i + 1], montage.Data[i + 2]));
            }
    }

    [Fact]
    public void DemoRunsOnAGivenRefinerAndFailsClearlyWithoutOne()
    {
        var outDir = TestData.NewTempDir("demo");
        var shown = RunDemo(outDir, TinyRefiner());
        // what a user reads in an 80-column terminal: nothing folded, no suggestion that a Marigold folder runs in predict
        var lines = shown.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 80, l));
        Assert.Contains(lines, l => l.Contains("AbsRel%↓") && l.Contains("edge R%↑"));
        Assert.Contains(lines, l => l.Trim('│', '|', ' ').StartsWith("refined ", StringComparison.Ordinal));
        Assert.DoesNotContain("marigold", shown, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(outDir, "montage.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "refined_summary.json")));
        Assert.Contains(lines, l => l.Trim('│', '|', ' ').StartsWith("change ", StringComparison.Ordinal));
        // the table's change rows, recorded: refined minus prior, matching the two summaries' means
        using (var refined = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "refined_summary.json"))))
        using (var prior = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "prior_summary.json"))))
        {
            var change = refined.RootElement.GetProperty("baseline").GetProperty("difference").GetProperty("abs_rel").GetDouble();
            Assert.Equal(refined.RootElement.GetProperty("metrics").GetProperty("abs_rel").GetDouble()
                         - prior.RootElement.GetProperty("metrics").GetProperty("abs_rel").GetDouble(), change, 9);
        }
        var montage = ImageFile.ReadRgb(Path.Combine(outDir, "montage.png"));
        Assert.True(montage.Width >= 6 * 48);

        var missing = Path.Combine(outDir, "no-such-refiner");
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["demo", "--output", outDir, "--refiner", missing]));
    }

    [Fact]
    public void DemoScoresTheRefinersOwnPriorUnlessToldAnother()
    {
        // A refiner fine-tuned on another prior names it in refiner.json; scoring it on the default prior would
        // measure plug-and-play, not the refiner.
        var refiner = TinyRefiner();
        var manifestPath = Path.Combine(refiner, RefinerModel.ManifestName);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["defaults"] = new System.Text.Json.Nodes.JsonObject { ["prior"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "degraded" } };
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        (string Shown, double PriorAbsRel) Demo(params string[] extra)
        {
            var outDir = TestData.NewTempDir("demo-prior");
            var shown = RunDemo(outDir, refiner, extra);
            using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "prior_summary.json")));
            return (shown, summary.RootElement.GetProperty("metrics").GetProperty("abs_rel").GetDouble());
        }

        var own = Demo();
        var named = Demo("--prior", "degraded");
        var other = Demo("--prior", "learned");
        Assert.Contains("prior: degraded; refined", own.Shown);
        Assert.Equal(named.PriorAbsRel, own.PriorAbsRel, 12);
        Assert.Contains("prior: the project's learned CNN; refined", other.Shown);
        Assert.NotEqual(other.PriorAbsRel, own.PriorAbsRel, 6);
    }
    /// <summary>`demo` on two 48x36 scenes, as an 80-column terminal without colour shows it; asserts it succeeds.</summary>
    static string RunDemo(string outDir, string refiner, params string[] extra)
    {
        var shown = new StringWriter();
        var console = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(shown), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        AnsiConsole.Console.Profile.Width = 80;
        int code;
        try { code = Program.Run(["demo", "-o", outDir, "--count", "2", "--size", "48x36", "--refiner", refiner, .. extra]); }
        finally { AnsiConsole.Console = console; }
        Assert.Equal(0, code);
        return shown.ToString();
    }
}
