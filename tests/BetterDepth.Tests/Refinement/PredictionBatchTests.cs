using BetterDepth.Imaging;
using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

/// <summary>Many images with writing overlapped: every image written, bad ones skipped in order, cancellation leaves whole files.</summary>
public class PredictionBatchTests : IClassFixture<RefinementPipelineTests.Model>
{
    readonly RefinerModel refiner;
    public PredictionBatchTests(RefinementPipelineTests.Model model) => refiner = model.Refiner;

    static readonly RefinementOptions Fast = new() { Steps = 1, ProcessingResolution = 0 };

    static List<ImageInput> Images(string dir, int count)
    {
        var inputs = new List<ImageInput>();
        for (int i = 0; i < count; i++)
        {
            var path = Path.Combine(dir, $"img{i}.png");
            ImageFile.WritePng(path, RefinementTestModels.Image(32, 24));
            inputs.Add(new ImageInput(path, $"img{i}"));
        }
        return inputs;
    }

    [Fact]
    public void WritesEveryImageAndSkipsUnreadableOnesAndFailedWrites()
    {
        var dir = TestData.NewTempDir();
        var inputs = Images(dir, 4);
        File.WriteAllBytes(inputs[1].Path, [0x89, 0x50, 0x4E]); // truncated PNG: skipped at decode
        var outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "img3"), "a file where img3's folder would go"); // skipped at write
        inputs[3] = inputs[3] with { RelativeStem = Path.Combine("img3", "x") };

        var batch = new PredictionBatch(new RefinementPipeline(new RefinementTestModels.RampPrior(), refiner, Fast), new PredictionWriter(OutputFormats.Npy | OutputFormats.Png16, savePrior: true));
        var outcome = batch.Run(inputs, outDir, e => e is InvalidFileException or IOException);

        Assert.Equal(2, outcome.Written);
        Assert.Equal([inputs[1].Path, inputs[3].Path], outcome.Skipped.Select(s => s.Input.Path));
        Assert.IsType<InvalidFileException>(outcome.Skipped[0].Error);
        // three images were refined (img3's failure came at writing); their stages are summed
        Assert.All(new[] { "prior", "condition", "U-Net step 1", "decode" }, stage => Assert.True(outcome.Timings[stage] > 0, stage));
        foreach (var stem in new[] { "img0", "img2" })
        {
            foreach (var file in new[] { stem + ".npy", stem + "_prior.npy" })
            {
                var map = DepthFile.ReadNpy(Path.Combine(outDir, file), DepthKind.AffineDisparity);
                Assert.Equal((32, 24), (map.Width, map.Height));
            }
            Assert.True(File.Exists(Path.Combine(outDir, stem + ".png")));
        }
    }

    [Fact]
    public void ErrorsThatAreNotSkippableStopTheBatch()
    {
        var dir = TestData.NewTempDir();
        var inputs = Images(dir, 2);
        File.WriteAllBytes(inputs[0].Path, [1, 2, 3]);
        var batch = new PredictionBatch(new RefinementPipeline(new RefinementTestModels.RampPrior(), refiner, Fast), new PredictionWriter(OutputFormats.Npy));
        Assert.Throws<InvalidFileException>(() => batch.Run(inputs, Path.Combine(dir, "out"), _ => false));
    }

    [Fact]
    public void CancellationStopsBeforeTheNextImageAndLeavesOnlyWholeFiles()
    {
        var dir = TestData.NewTempDir();
        var inputs = Images(dir, 5);
        var outDir = Path.Combine(dir, "out");
        using var cts = new CancellationTokenSource();
        var batch = new PredictionBatch(new RefinementPipeline(new RefinementTestModels.RampPrior(), refiner, Fast), new PredictionWriter(OutputFormats.Npy | OutputFormats.Color));
        var progress = new SynchronousProgress(p => { if (p.Done == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => batch.Run(inputs, outDir, _ => false, progress, cts.Token));
        var files = Directory.GetFiles(outDir);
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(outDir, "img1.npy"), files); // the write in flight when cancelled was finished
        Assert.DoesNotContain(Path.Combine(outDir, "img3.npy"), files);
        foreach (var npy in files.Where(f => f.EndsWith(".npy", StringComparison.Ordinal))) Assert.Equal(32, DepthFile.ReadNpy(npy, DepthKind.AffineDisparity).Width);
    }

    sealed class SynchronousProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
