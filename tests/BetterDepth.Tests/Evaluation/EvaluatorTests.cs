using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class EvaluatorTests
{
    static EvaluationReport Run(EvaluationDataset dataset, string predictions, PredictionContent content, AlignmentMode? alignment,
                                bool strict = false, bool? detail = null, CancellationToken ct = default) =>
        Evaluator.Run(dataset, predictions, new EvaluationOptions { PredictionsAre = content, Alignment = alignment, Strict = strict, DetailMetrics = detail, MaxParallelism = 2 },
            null, ct);

    /// <summary>Predictions computed from each sample's ground truth (at ground-truth size) by <paramref name="transform"/>.</summary>
    static string Predictions(EvaluationDataset dataset, Func<float, float> transform, Func<int, bool>? keep = null)
    {
        var dir = TestData.NewTempDir("pred");
        for (var i = 0; i < dataset.Samples.Count; i++)
        {
            if (keep?.Invoke(i) == false) continue;
            var gt = dataset.Samples[i].LoadGroundTruth();
            FakeBenchmarks.Prediction(dir, dataset.Samples[i].RgbPath, gt.Depth.Values.Select(transform).ToArray(), gt.Depth.Width, gt.Depth.Height);
        }
        return dir;
    }

    static double Metric(SampleResult r, string name) => r.Metrics.Single(m => m.Key == name).Value;

    static void AssertPerfect(EvaluationReport report, int samples)
    {
        Assert.Equal(samples, report.EvaluatedCount);
        Assert.Empty(report.Skipped);
        Assert.All(report.Samples, r =>
        {
            Assert.InRange(Metric(r, "abs_rel"), 0, 1e-5);
            Assert.Equal(1.0, Metric(r, "delta1"));
        });
        Assert.InRange(report.Means["abs_rel"], 0, 1e-5);
    }

    [Fact]
    public void ExactDepthPredictionsArePerfectOnEveryBenchmark()
    {
        var datasets = new[]
        {
            EvaluationDataset.Open("nyu", FakeBenchmarks.Nyu(1, 64, 48).Dir), // Eigen region clipped to the small frame
            EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(16, 12, 2).Dir),
            EvaluationDataset.Open(Path.Combine(FakeBenchmarks.User(10, 6, 2).Dir, "dataset.json"), null),
        };
        foreach (var dataset in datasets)
        {
            var report = Run(dataset, Predictions(dataset, d => d), PredictionContent.Depth, AlignmentMode.None);
            AssertPerfect(report, dataset.Samples.Count);
            Assert.Equal(dataset.Samples.Select(s => s.Id), report.Samples.Select(s => s.Id)); // split order, whatever the parallelism
        }
    }

    [Fact]
    public void DiodePredictionsAreClippedToTheRangeWhileTheMaskDecidesValidity()
    {
        var dataset = EvaluationDataset.Open("diode", FakeBenchmarks.Diode(16, 12).Dir);
        var result = Assert.Single(Run(dataset, Predictions(dataset, d => d), PredictionContent.Depth, AlignmentMode.None).Samples);
        // Marigold: the 0.5 m pixel counts (mask), the prediction there is clipped to 0.6 m: |0.6 - 0.5| / 0.5 over 180 pixels.
        Assert.Equal(180, result.ValidPixels);
        Assert.Equal(0.2 / 180, Metric(result, "abs_rel"), 6);
    }

    [Fact]
    public void DisparityWithARandomAffineIsPerfectOnlyAfterDisparityAlignment()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(16, 12, 2).Dir);
        var random = new Random(7);
        var (scale, shift) = (0.5f + 3 * random.NextSingle(), random.NextSingle());
        var predictions = Predictions(dataset, d => scale / d + shift);

        AssertPerfect(Run(dataset, predictions, PredictionContent.Disparity, AlignmentMode.LeastSquareDisparity), 2);
        AssertPerfect(Run(dataset, predictions, PredictionContent.Disparity, alignment: null), 2); // the default for disparity
        var unaligned = Run(dataset, predictions, PredictionContent.Disparity, AlignmentMode.None);
        Assert.Equal(2, unaligned.EvaluatedCount);
        Assert.True(unaligned.Means["abs_rel"] > 0.05, $"abs_rel {unaligned.Means["abs_rel"]}");
    }

    [Fact]
    public void AffineDepthIsPerfectAfterDepthAlignment()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(16, 12).Dir);
        var predictions = Predictions(dataset, d => 2.5f * d - 0.75f);
        AssertPerfect(Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.LeastSquare), 1);
        Assert.True(Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.None).Means["abs_rel"] > 0.5);
    }

    [Fact]
    public void KittiPredictionsOnTheFullFrameAreCutLikeTheGroundTruth()
    {
        var fake = FakeBenchmarks.Kitti();
        var dataset = EvaluationDataset.Open("kitti", fake.Dir);
        var full = TestData.NewTempDir("pred");
        var values = new float[fake.Width * fake.Height];
        for (var y = 0; y < fake.Height; y++)
            for (var x = 0; x < fake.Width; x++) values[y * fake.Width + x] = MathF.Round(FakeBenchmarks.Depth(x, y, 0) * 256) / 256;
        FakeBenchmarks.Prediction(full, fake.RgbPaths[0], values, fake.Width, fake.Height);
        AssertPerfect(Run(dataset, full, PredictionContent.Depth, AlignmentMode.None), 1);
        AssertPerfect(Run(dataset, Predictions(dataset, d => d), PredictionContent.Depth, AlignmentMode.None), 1);
        Assert.Equal(1, Run(dataset, full, PredictionContent.Depth, AlignmentMode.None).LinesWithoutGroundTruth);
    }

    [Fact]
    public void PredictionsOfAnotherSizeAreResizedToTheGroundTruth()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(32, 24).Dir);
        var dir = TestData.NewTempDir("pred");
        var half = new float[16 * 12];
        for (var y = 0; y < 12; y++)
            for (var x = 0; x < 16; x++) half[y * 16 + x] = FakeBenchmarks.Depth(2 * x, 2 * y, 0);
        FakeBenchmarks.Prediction(dir, dataset.Samples[0].RgbPath, half, 16, 12);
        var report = Run(dataset, dir, PredictionContent.Depth, AlignmentMode.LeastSquare);
        var result = Assert.Single(report.Samples);
        Assert.InRange(Metric(result, "abs_rel"), 1e-6, 0.02); // a plane survives bilinear resizing except near the border
        Assert.Equal(1.0, Metric(result, "delta1"));
    }

    [Fact]
    public void MissingPredictionIsCountedByNameAndFatalWhenStrict()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(16, 12, 3).Dir);
        var predictions = Predictions(dataset, d => d, keep: i => i != 1);
        var report = Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.LeastSquare);
        Assert.Equal(2, report.EvaluatedCount);
        Assert.Equal(1, report.MissingCount);
        var skipped = Assert.Single(report.Skipped);
        Assert.Equal(dataset.Samples[1].Id, skipped.Id);
        Assert.EndsWith("scene0406_02/color/000100.npy", skipped.Path);

        var e = Assert.Throws<FileNotFoundException>(() => Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.LeastSquare, strict: true));
        Assert.Contains(dataset.Samples[1].Id, e.Message);
    }

    [Fact]
    public void CorruptPredictionIsReportedByName()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(16, 12, 2).Dir);
        var predictions = Predictions(dataset, d => d);
        var corrupt = Path.Combine(predictions, Path.ChangeExtension(dataset.Samples[0].RgbPath, ".npy"));
        File.WriteAllText(corrupt, "this is not a numpy file");
        var report = Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.LeastSquare);
        Assert.Equal(1, report.EvaluatedCount);
        Assert.Equal(1, report.UnreadableCount);
        Assert.Equal(corrupt, report.Skipped[0].Path);
        Assert.Contains(corrupt, report.Skipped[0].Message);
        Assert.Throws<InvalidFileException>(() => Run(dataset, predictions, PredictionContent.Depth, AlignmentMode.LeastSquare, strict: true));
    }

    [Fact]
    public void PredictionWithNothingToFitIsUnusableNotFatal()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(8, 6, 2).Dir);
        var predictions = Predictions(dataset, d => 1 / d);
        var zeros = Path.Combine(predictions, Path.ChangeExtension(dataset.Samples[1].RgbPath, ".npy"));
        FakeFiles.Npy(zeros, new float[8 * 6], 6, 8);
        var report = Run(dataset, predictions, PredictionContent.Disparity, AlignmentMode.LeastSquareDisparity);
        Assert.Equal(1, report.EvaluatedCount);
        Assert.Equal(SkipReason.UnreadablePrediction, report.Skipped[0].Reason);
        Assert.Contains("no positive prediction", report.Skipped[0].Message);
        var e = Assert.Throws<InvalidFileException>(() => Run(dataset, predictions, PredictionContent.Disparity, AlignmentMode.LeastSquareDisparity, strict: true));
        Assert.Equal(zeros, e.FilePath);
    }

    [Fact]
    public void MarigoldNamedPredictionsAreFound()
    {
        var fake = FakeBenchmarks.Nyu(1, 64, 48);
        var dataset = EvaluationDataset.Open("nyu", fake.Dir);
        var dir = TestData.NewTempDir("pred");
        var gt = dataset.Samples[0].LoadGroundTruth();
        FakeFiles.Npy(Path.Combine(dir, "test/kitchen_0004/pred_0001.npy"), gt.Depth.Values, 48, 64);
        AssertPerfect(Run(dataset, dir, PredictionContent.Depth, AlignmentMode.None), 1);
    }

    [Fact]
    public void MissingGroundTruthFailsBeforeAnyWork()
    {
        var fake = FakeBenchmarks.ScanNet(8, 6, 2);
        var dataset = EvaluationDataset.Open("scannet", fake.Dir);
        File.Delete(dataset.Samples[1].GroundTruthFiles[0]);
        var e = Assert.Throws<FileNotFoundException>(() => Run(dataset, TestData.NewTempDir(), PredictionContent.Depth, AlignmentMode.None));
        Assert.Contains("000100.png", e.Message);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        var dataset = EvaluationDataset.Open("scannet", FakeBenchmarks.ScanNet(8, 6, 2).Dir);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(dataset, Predictions(dataset, d => d), PredictionContent.Depth, AlignmentMode.None, ct: cts.Token));
    }
}
