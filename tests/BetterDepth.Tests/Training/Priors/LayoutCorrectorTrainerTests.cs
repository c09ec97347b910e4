using BetterDepth.Priors.Learned;
using BetterDepth.Tests.Priors.Learned;
using BetterDepth.Training;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training.Priors;

[Collection(TorchSeeded.Name)]
public class LayoutCorrectorTrainerTests
{
    static PriorTrainingOptions Tiny(int steps) => new()
    {
        Steps = steps, BatchSize = 4, LearningRate = 2e-3, WarmupSteps = 1, Seed = 5, CheckpointEvery = 2,
        RelativeWeight = 1, LogRatioWeight = 1, Delta1Weight = 1, EmaDecay = 0.9,
    };

    /// <summary>An untrained 96x64 prior saved as a weights file: the corrector needs no good prior to be trained on one.</summary>
    static string PriorFile(PriorCnnConfig? config = null)
    {
        random.manual_seed(11);
        using var prior = new PriorCnn(config ?? new PriorCnnConfig(16, 96, 64));
        var path = Path.Combine(TestData.NewTempDir(), "prior.safetensors");
        PriorWeights.Save(prior, path);
        return path;
    }

    static LayoutCorrectorTrainer.Data[] Scenes(int count) => [new("tiny", new TinyScenes(count))];

    static string[] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, TrainingLog.FileName)).Skip(1).Select(l => string.Join(",", l.Split(',')[..2])).ToArray();

    [Fact]
    public void TrainsAPriorWithItsCorrectorAndAnInterruptedRunResumesOntoTheSameCurve()
    {
        var priorPath = PriorFile();
        var whole = TestData.NewTempDir();
        var result = new LayoutCorrectorTrainer(Tiny(4), CPU).Train(priorPath, Scenes(6), whole, resume: false, layoutChannels: 8);
        Assert.Equal(4, result.StepsDone);

        var split = TestData.NewTempDir();
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => new LayoutCorrectorTrainer(Tiny(4), CPU).Train(priorPath, Scenes(6), split, false, 8,
                new Progress(cts, 2), cts.Token));
        Assert.Throws<ArgumentException>(() => new LayoutCorrectorTrainer(Tiny(4), CPU).Train(priorPath, Scenes(6), split, resume: false, layoutChannels: 8));
        Assert.True(File.Exists(Path.Combine(split, TrainingLog.PlotFileName)), "a stopped run draws its loss curve");
        new LayoutCorrectorTrainer(Tiny(4), CPU).Train(priorPath, Scenes(6), split, resume: true, layoutChannels: 8);
        Assert.Equal(Losses(whole), Losses(split));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(whole, TrainingLog.PlotFileName))[..4]);
        Assert.All(Losses(whole), l => Assert.True(double.IsFinite(double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture))));

        // The deliverable is the frozen prior with the averaged corrector on it, one file the learned prior loads.
        using var original = PriorWeights.Load(priorPath);
        using var corrected = PriorWeights.Load(result.WeightsPath);
        Assert.Equal(original.Config with { LayoutChannels = 8 }, corrected.Config);
        var before = original.state_dict();
        foreach (var (key, weight) in corrected.state_dict().Where(kv => !kv.Key.StartsWith("layout.")))
            Assert.True(weight.eq(before[key]).all().item<bool>(), $"the prior's weight {key} changed; it must stay frozen");
        Assert.True(corrected.state_dict()["layout.head.weight"].abs().max().item<float>() > 0, "the corrector's head never moved from zero");
        using var prior = new LearnedPrior(result.WeightsPath);
        var map = prior.Predict(new TinyScenes(1).Get(0).Image);
        Assert.All(map.Values, v => Assert.True(float.IsFinite(v) && v > 0));
    }

    [Fact]
    public void CachesBelongToTheirPriorAndData()
    {
        var priorPath = PriorFile();
        var dir = TestData.NewTempDir();
        new LayoutCorrectorTrainer(Tiny(1), CPU).Train(priorPath, Scenes(4), dir, resume: false, layoutChannels: 8);
        var cache = Path.Combine(dir, "cache", "0.safetensors");
        Assert.True(File.Exists(cache));

        var renamed = new LayoutCorrectorTrainer.Data[] { new("elsewhere", new TinyScenes(4)) };
        var e = Assert.Throws<InvalidFileException>(() => new LayoutCorrectorTrainer(Tiny(2), CPU).Train(priorPath, renamed, dir, resume: true, layoutChannels: 8));
        Assert.Equal(cache, e.FilePath);
        var other = PriorFile(new PriorCnnConfig(8, 96, 64));
        e = Assert.Throws<InvalidFileException>(() => new LayoutCorrectorTrainer(Tiny(2), CPU).Train(other, Scenes(4), dir, resume: true, layoutChannels: 8));
        Assert.Contains("another prior", e.Message);
    }

    [Fact]
    public void APriorThatAlreadyHasACorrectorOrScenesOfAnotherSizeAreRefused()
    {
        var withLayout = PriorFile(new PriorCnnConfig(16, 96, 64, LayoutChannels: 8));
        var e = Assert.Throws<InvalidFileException>(() => new LayoutCorrectorTrainer(Tiny(1), CPU).Train(withLayout, Scenes(2), TestData.NewTempDir(), false, 8));
        Assert.Contains("already has a layout corrector", e.Message);
        var wrongSize = new LayoutCorrectorTrainer.Data[] { new("big", new TinyScenes(2, 128, 64)) };
        var a = Assert.Throws<ArgumentException>(() => new LayoutCorrectorTrainer(Tiny(1), CPU).Train(PriorFile(), wrongSize, TestData.NewTempDir(), false, 8));
        Assert.Contains("96x64", a.Message);
    }

    sealed class Progress(CancellationTokenSource cts, int steps) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) { if (value.Note?.StartsWith("loss") == true && value.Done >= steps) cts.Cancel(); }
    }
}
