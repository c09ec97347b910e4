using System.Text.Json;
using BetterDepth.Cli;
using BetterDepth.Cli.Commands;
using BetterDepth.Tests.Evaluation;

namespace BetterDepth.Tests.Cli;

public class EvalCommandTests
{
    static int Eval(params string[] args) => Program.Run(["eval", .. args]);

    /// <summary>Exact predictions (the plane, rounded like the 16-bit PNG) for a fake ScanNet, except the samples left out.</summary>
    static string ScanNetPredictions(FakeBenchmarks.Fake fake, params int[] leftOut)
    {
        var dir = TestData.NewTempDir("pred");
        for (var i = 0; i < fake.RgbPaths.Count; i++)
        {
            if (leftOut.Contains(i)) continue;
            var values = new float[fake.Width * fake.Height];
            for (var y = 0; y < fake.Height; y++)
                for (var x = 0; x < fake.Width; x++) values[y * fake.Width + x] = MathF.Round(FakeBenchmarks.Depth(x, y, i) * 1000) / 1000;
            FakeBenchmarks.Prediction(dir, fake.RgbPaths[i], values, fake.Width, fake.Height);
        }
        return dir;
    }

    [Fact]
    public void WritesCsvAndSummary()
    {
        var fake = FakeBenchmarks.ScanNet(16, 12, 3);
        var predictions = ScanNetPredictions(fake, leftOut: 2);
        var output = Path.Combine(TestData.NewTempDir(), "out");
        Assert.Equal(0, Eval("--dataset", "scannet", "--data-dir", fake.Dir, "--predictions", predictions,
            "--predictions-are", "depth", "--alignment", "none", "--output", output));

        var csv = File.ReadAllLines(Path.Combine(output, EvalCommand.CsvName));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("id,prediction,valid_pixels,abs_rel", csv[0]);
        Assert.StartsWith("scene0406_02/color/000000.jpg,", csv[1]);
        Assert.Contains(",191,0,", csv[1]); // 16 x 12 minus the pixel beyond 10 m, then abs_rel 0

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, EvalCommand.SummaryName)));
        var root = summary.RootElement;
        Assert.Equal("scannet", root.GetProperty("dataset").GetString());
        Assert.Equal("none", root.GetProperty("alignment").GetString());
        Assert.Equal(2, root.GetProperty("count_evaluated").GetInt32());
        Assert.Equal(1, root.GetProperty("count_missing").GetInt32());
        Assert.Equal(0.0, root.GetProperty("metrics").GetProperty("abs_rel").GetDouble(), 6);
        Assert.Equal(1.0, root.GetProperty("metrics").GetProperty("delta1").GetDouble());
        Assert.Equal("scene0406_02/color/000200.jpg", root.GetProperty("skipped")[0].GetProperty("id").GetString());
        Assert.Contains("--dataset scannet", root.GetProperty("command_line").GetString());
        Assert.Empty(Directory.GetFiles(output, "*.tmp*"));
    }

    [Fact]
    public void BaselineIsComparedImageByImage()
    {
        var fake = FakeBenchmarks.ScanNet(16, 12, 3);
        var predictions = ScanNetPredictions(fake, leftOut: 2);
        var baseline = TestData.NewTempDir("baseline");
        for (var i = 0; i < fake.RgbPaths.Count; i++) // every depth 10% too far: abs_rel 0.1 on each image
        {
            var values = new float[fake.Width * fake.Height];
            for (var y = 0; y < fake.Height; y++)
                for (var x = 0; x < fake.Width; x++) values[y * fake.Width + x] = FakeBenchmarks.Depth(x, y, i) * 1.1f;
            FakeBenchmarks.Prediction(baseline, fake.RgbPaths[i], values, fake.Width, fake.Height);
        }
        var output = Path.Combine(TestData.NewTempDir(), "out");
        Assert.Equal(0, Eval("--dataset", "scannet", "--data-dir", fake.Dir, "--predictions", predictions, "--baseline", baseline,
            "--predictions-are", "depth", "--alignment", "none", "--output", output));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, EvalCommand.SummaryName)));
        var compared = summary.RootElement.GetProperty("baseline");
        Assert.Equal(2, compared.GetProperty("count_paired").GetInt32()); // the baseline's third image has no partner
        Assert.Equal(0.1, compared.GetProperty("metrics").GetProperty("abs_rel").GetDouble(), 4);
        Assert.Equal(-0.1, compared.GetProperty("difference").GetProperty("abs_rel").GetDouble(), 4);
        Assert.Equal(0.0, compared.GetProperty("difference_standard_error").GetProperty("abs_rel").GetDouble(), 4);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(output, EvalCommand.BaselineCsvName)).Length);

        var empty = TestData.NewTempDir("no-predictions");
        var refused = Path.Combine(TestData.NewTempDir(), "out");
        Assert.Equal(CommandRunner.ExitBadInput, Eval("--dataset", "scannet", "--data-dir", fake.Dir, "--predictions", predictions, "--baseline", empty,
            "--predictions-are", "depth", "--alignment", "none", "--output", refused));
        Assert.False(Directory.Exists(refused)); // nothing written for a baseline that scores nothing
    }

    [Fact]
    public void StrictFailsOnAMissingPredictionAndWritesNothing()
    {
        var fake = FakeBenchmarks.ScanNet(8, 6, 2);
        var output = Path.Combine(TestData.NewTempDir(), "out");
        Assert.Equal(CommandRunner.ExitBadInput, Eval("--dataset", "scannet", "--data-dir", fake.Dir, "--predictions", ScanNetPredictions(fake, 0),
            "--predictions-are", "depth", "--output", output, "--strict"));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void BadDatasetJsonAndMissingGroundTruthExitWithTwo()
    {
        var dir = TestData.NewTempDir();
        var json = Path.Combine(dir, "dataset.json");
        File.WriteAllText(json, """{ "split": "test.txt", "depth": { "encoding": "exr" } }""");
        Assert.Equal(2, Eval("--dataset", json, "--predictions", dir, "--output", Path.Combine(dir, "out")));

        var fake = FakeBenchmarks.ScanNet(8, 6, 1);
        File.Delete(Path.Combine(fake.Dir, "scene0406_02/depth/000000.png"));
        Assert.Equal(2, Eval("--dataset", "scannet", "--data-dir", fake.Dir, "--predictions", dir, "--output", Path.Combine(dir, "out")));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void MiddleburyAddsDetailMetrics()
    {
        var data = TestData.NewTempDir("mb");
        var scene = Path.Combine(data, "Motorcycle");
        Directory.CreateDirectory(scene);
        foreach (var f in new[] { "im0.png", "disp0GT.pfm", "calib.txt" })
            File.Copy(TestData.Real("middlebury2014-motorcycle", f), Path.Combine(scene, f));
        // Predictions are the ground-truth disparity itself (a disparity predictor that is exactly right up to scale).
        var predictions = TestData.NewTempDir("pred");
        Directory.CreateDirectory(Path.Combine(predictions, "Motorcycle"));
        File.Copy(Path.Combine(scene, "disp0GT.pfm"), Path.Combine(predictions, "Motorcycle", "im0.pfm"));
        var output = Path.Combine(data, "out");
        Assert.Equal(0, Eval("--dataset", "middlebury", "--data-dir", data, "--predictions", predictions, "--output", output));

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, EvalCommand.SummaryName)));
        var metrics = summary.RootElement.GetProperty("metrics");
        Assert.True(summary.RootElement.GetProperty("detail_metrics").GetBoolean());
        Assert.Equal("least_square_disparity", summary.RootElement.GetProperty("alignment").GetString());
        Assert.True(metrics.TryGetProperty("dbe_acc", out _));
        Assert.True(metrics.TryGetProperty("delta1_at_edges", out _));
        Assert.True(metrics.TryGetProperty("edge_recall", out _));
        // disp + doffs is an affine function of disparity, so the fit in disparity space is exact.
        Assert.InRange(metrics.GetProperty("abs_rel").GetDouble(), 0, 1e-4);
    }
}
