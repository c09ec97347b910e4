using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Priors.Learned;
using BetterDepth.Tests.Priors.Learned;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training.Priors;

[Collection(TorchSeeded.Name)]
public class TrainingSourceTests
{
    [Fact]
    public void RenderedScenesAreCachedAndSized()
    {
        var source = new RenderedSceneSource(3, 32, 24, firstSeed: 10);
        var a = source.Get(1);
        Assert.Same(a, source.Get(1));
        Assert.Equal((32, 24, 32 * 24), (a.Depth.Width, a.Depth.Height, a.Valid.Length));
        Assert.Contains(a.Valid, v => v);
        Assert.Throws<ArgumentException>(() => new RenderedSceneSource(0, 32, 24));
    }

    [Fact]
    public void FolderSourceReadsSplitAndRejectsBrokenLines()
    {
        var dir = TestData.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "rgb"));
        Directory.CreateDirectory(Path.Combine(dir, "depth"));
        var scene = new TinyScenes(1, 32, 24).Get(0);
        ImageFile.WritePng(Path.Combine(dir, "rgb", "000000.png"), scene.Image);
        DepthFile.WriteNpy(Path.Combine(dir, "depth", "000000.npy"), scene.Depth);
        File.WriteAllText(Path.Combine(dir, "train.txt"), "rgb/000000.png depth/000000.npy\n");
        var source = new SyntheticFolderSource(dir);
        Assert.Equal(1, source.Count);
        var read = source.Get(0);
        Assert.Equal(scene.Depth.Values, read.Depth.Values);
        Assert.Equal(scene.Valid, read.Valid);

        File.WriteAllText(Path.Combine(dir, "bad.txt"), "rgb/000000.png\n");
        Assert.Throws<InvalidFileException>(() => new SyntheticFolderSource(dir, "bad.txt"));
        Assert.Throws<InvalidFileException>(() => new SyntheticFolderSource(dir, "missing.txt"));
    }

    [Fact]
    public void ConcatenatedSourcesAreReadInOrder()
    {
        var a = new RenderedSceneSource(2, 32, 24, firstSeed: 10);
        var empty = new EmptySource();
        var b = new RenderedSceneSource(3, 32, 24, firstSeed: 20);
        var both = new ConcatenatedSource([a, empty, b]);
        Assert.Equal(5, both.Count);
        Assert.Same(a.Get(0), both.Get(0));
        Assert.Same(a.Get(1), both.Get(1));
        Assert.Same(b.Get(0), both.Get(2));
        Assert.Same(b.Get(2), both.Get(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => both.Get(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => both.Get(-1));
        Assert.Throws<ArgumentException>(() => new ConcatenatedSource([]));
    }

    sealed class EmptySource : IPriorTrainingSource
    {
        public int Count => 0;
        public PriorTrainingSample Get(int index) => throw new InvalidOperationException("an empty source was read");
    }

    [Fact]
    public void RegistryBuildsTheLearnedPriorFromAWeightsPath()
    {
        random.manual_seed(8);
        using var model = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        var path = Path.Combine(TestData.NewTempDir(), "prior.safetensors");
        PriorWeights.Save(model, path);
        using var prior = PriorRegistry.Create("learned:" + path);
        Assert.Equal(DepthKind.AffineDisparity, prior.OutputKind);
        var map = prior.Predict(new TinyScenes(1, 40, 30).Get(0).Image);
        Assert.Equal((40, 30), (map.Width, map.Height));
        Assert.All(map.Values, v => Assert.True(v > 0 && float.IsFinite(v), "softplus output must be positive"));
        Assert.Throws<InvalidFileException>(() => PriorRegistry.Create("learned:" + path + ".missing"));
    }

    [Fact]
    public void AFolderStandsForItsWeightsFile()
    {
        random.manual_seed(8);
        using var model = new PriorCnn(new PriorCnnConfig(16, 96, 64));
        var folder = TestData.NewTempDir();
        PriorWeights.Save(model, Path.Combine(folder, LearnedPrior.WeightsFile));
        using (var prior = (LearnedPrior)PriorRegistry.Create("learned:" + folder))
            Assert.Equal(Path.Combine(folder, LearnedPrior.WeightsFile), prior.WeightsPath);
        var empty = TestData.NewTempDir();
        var e = Assert.Throws<FileNotFoundException>(() => PriorRegistry.Create("learned:" + empty));
        Assert.Contains(empty, e.Message);
    }
}
