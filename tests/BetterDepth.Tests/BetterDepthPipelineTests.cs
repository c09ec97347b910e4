using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Priors.Learned;
using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests;

/// <summary>The one-call API over the shipped models: what the folder recommends, the three inputs, saving, ownership.</summary>
public class BetterDepthPipelineTests : IClassFixture<BetterDepthPipelineTests.Shipped>
{
    public sealed class Shipped : IDisposable
    {
        public static string RefinerFolder => Path.Combine(TestData.RepoRoot, "models", "refiner");
        public BetterDepthPipeline Pipe { get; } = BetterDepthPipeline.FromPretrained(RefinerFolder);
        public void Dispose() => Pipe.Dispose();
    }

    readonly BetterDepthPipeline pipe;
    public BetterDepthPipelineTests(Shipped shipped) => pipe = shipped.Pipe;

    /// <summary>Small work per call: the shipped settings are checked on <see cref="BetterDepthPipeline.Options"/> before any test changes them.</summary>
    RefinementResult Refine(Func<BetterDepthPipeline, RefinementResult> call)
    {
        lock (pipe)
        {
            var shipped = pipe.Options;
            pipe.Options = shipped with { ProcessingResolution = 64, Steps = 1 };
            try { return call(pipe); }
            finally { pipe.Options = shipped; }
        }
    }

    [Fact]
    public void TheShippedRefinerLoadsItsNamedPriorAndSettings()
    {
        var priorFolder = Path.Combine(TestData.RepoRoot, "models", "prior-cnn");
        Assert.Equal("learned:" + priorFolder, pipe.PriorSpec);
        var prior = Assert.IsType<LearnedPrior>(pipe.Prior);
        Assert.Equal(Path.Combine(priorFolder, "prior.safetensors"), prior.WeightsPath);
        Assert.Equal(new RefinementOptions { Steps = 2, EnsembleSize = 1, ProcessingResolution = 256, PriorLayoutSigma = 8 }, pipe.Options);
    }

    [Fact]
    public void APathAStreamAndAnImageGiveTheSameMapsAtTheInputSize()
    {
        var image = RefinementTestModels.Image(48, 36);
        var path = Path.Combine(TestData.NewTempDir("pipe-inputs"), "photo.png");
        ImageFile.WritePng(path, image);
        var fromPath = Refine(p => p.Refine(path));
        RefinementResult fromStream;
        using (var stream = File.OpenRead(path)) fromStream = Refine(p => p.Refine(stream));
        var fromImage = Refine(p => p.Refine(image));
        foreach (var result in new[] { fromPath, fromStream, fromImage })
        {
            Assert.Equal((48, 36), (result.Refined.Width, result.Refined.Height));
            Assert.Equal((48, 36), (result.Prior.Width, result.Prior.Height));
            Assert.Equal(DepthKind.AffineDisparity, result.Refined.Kind);
            Assert.All(result.Refined.Values, v => Assert.InRange(v, 0f, 1f));
            Assert.Null(result.Uncertainty);
            Assert.Equal(fromImage.Refined.Values, result.Refined.Values);
        }
    }

    [Fact]
    public void AnEnsembleGivesAnUncertaintyMapAndSaveWritesWhatPredictWrites()
    {
        var result = Refine(p =>
        {
            p.Options = p.Options with { EnsembleSize = 2 };
            return p.Refine(RefinementTestModels.Image(40, 30));
        });
        Assert.NotNull(result.Uncertainty);
        var stem = Path.Combine(TestData.NewTempDir("pipe-save"), "sub", "photo");
        var written = result.Save(stem, savePrior: true);
        Assert.Equal(
            new[] { ".npy", ".png", "_color.png", "_prior.npy", "_prior.png", "_prior_color.png", "_uncertainty.npy", "_uncertainty.png", "_uncertainty_color.png" }
                .Select(s => stem + s).Order(),
            written.Order());
        Assert.All(written, f => Assert.True(File.Exists(f), f));
        Assert.Equal(result.Refined.Values, DepthFile.ReadNpy(stem + ".npy", DepthKind.AffineDisparity).Values);
    }

    [Fact]
    public void ReportsProgressToTheEndAndStopsWhenCancelled()
    {
        var reports = new List<WorkProgress>();
        Refine(p => p.Refine(RefinementTestModels.Image(32, 24), null, default, new SyncProgress(reports.Add)));
        Assert.Equal(new WorkProgress(4, 4), reports[^1]);   // prior, encode, one step, decode
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Refine(p => p.Refine(RefinementTestModels.Image(32, 24), null, cancelled.Token)));
    }

    sealed class SyncProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }

    [Fact]
    public void ABadImageIsNamedInTheError()
    {
        var path = TestData.Save(TestData.NewTempDir("pipe-bad"), "photo.png", [1, 2, 3]);
        var e = Assert.Throws<InvalidFileException>(() => pipe.Refine(path));
        Assert.Contains(path, e.Message);
        Assert.Throws<InvalidFileException>(() => pipe.Refine(new MemoryStream([1, 2, 3])));
    }

    [Fact]
    public void OptionsAreCheckedWhenSet()
    {
        Assert.Throws<ArgumentException>(() => pipe.Options = pipe.Options with { Steps = 0 });
        Assert.Equal(2, pipe.Options.Steps);
    }

    [Fact]
    public void DisposesThePriorAndTheRefinerItOwnsOnce()
    {
        var prior = new DisposeCountingPrior();
        var refiner = RefinementTestModels.Tiny();
        var weight = refiner.Unet.parameters().First();
        var owner = new BetterDepthPipeline(prior, refiner, new RefinementOptions());
        owner.Dispose();
        owner.Dispose();
        Assert.Equal(1, prior.Disposed);
        Assert.True(weight.IsInvalid);
    }

    sealed class DisposeCountingPrior : IDepthPrior
    {
        public int Disposed { get; private set; }
        public string Name => "counting";
        public DepthKind OutputKind => DepthKind.AffineDisparity;
        public string CacheIdentity => Name;
        public DepthMap Predict(RgbImage image, CancellationToken ct = default) => new(image.Width, image.Height, OutputKind, new float[image.Width * image.Height]);
        public void Dispose() => Disposed++;
    }

    [Fact]
    public void ABadOptionFailsBeforeAnyWeightsAreRead()
    {
        // a refiner folder whose weights are missing: loading them would fail with InvalidFileException
        var folder = TestData.NewTempDir("pipe-order");
        File.Copy(Path.Combine(Shipped.RefinerFolder, RefinerModel.ManifestName), Path.Combine(folder, RefinerModel.ManifestName));
        var e = Assert.Throws<ArgumentException>(() => BetterDepthPipeline.FromPretrained(folder, new PipelineOptions { Steps = 0 }));
        Assert.Contains("steps", e.Message);
        Assert.Throws<InvalidFileException>(() => BetterDepthPipeline.FromPretrained(folder).Dispose());
    }

    [Fact]
    public void OptionsOverrideTheFolderDefaultsWhichOverrideTheLibraryDefaults()
    {
        var folder = new RefinerDefaults { Prior = "learned:/x", Steps = 5, EnsembleSize = 3, ProcessingResolution = 320 };
        var (prior, options) = new PipelineOptions { Steps = 1, ProcessingResolution = 0, Prior = "file:/p" }.Resolve(folder);
        Assert.Equal("file:/p", prior);
        Assert.Equal(new RefinementOptions { Steps = 1, EnsembleSize = 3, ProcessingResolution = 0 }, options);

        var (fallbackPrior, fallback) = new PipelineOptions { Seed = 9 }.Resolve(RefinerDefaults.None);
        Assert.Equal(PipelineOptions.FallbackPrior, fallbackPrior);
        Assert.Equal(new RefinementOptions { Seed = 9 }, fallback);
        Assert.Throws<ArgumentException>(() => new PipelineOptions { EnsembleSize = 0 }.Resolve(folder));
    }
}
