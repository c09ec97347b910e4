using BetterDepth.Compute;
using BetterDepth.Priors.Learned;
using BetterDepth.Tests.Priors.Learned;
using BetterDepth.Training;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training.Priors;

[Collection(TorchSeeded.Name)]
public class PriorTrainerTests
{
    static PriorTrainingOptions Tiny(int steps) => new()
    {
        Steps = steps, BatchSize = 2, LearningRate = 2e-3, WarmupSteps = 1, Model = new PriorCnnConfig(16, 96, 64),
        Seed = 3, CheckpointEvery = 2,
    };

    [Fact]
    public void TrainsResumesAndLogs()
    {
        var dir = TestData.NewTempDir();
        var scenes = new TinyScenes(4);
        var first = new PriorTrainer(Tiny(3), CPU).Train(scenes, dir, resume: false);
        Assert.Equal(3, first.StepsDone);
        Assert.Equal(3, PriorTrainingState.TryLoad(dir)!.Step);

        Assert.Throws<ArgumentException>(() => new PriorTrainer(Tiny(5), CPU).Train(scenes, dir, resume: false));
        var second = new PriorTrainer(Tiny(5), CPU).Train(scenes, dir, resume: true);
        Assert.Equal(5, second.StepsDone);
        var lines = File.ReadAllLines(Path.Combine(dir, TrainingLog.FileName));
        Assert.Equal(1 + 5, lines.Length);
        Assert.StartsWith("5,", lines[^1]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(dir, TrainingLog.PlotFileName))[..4]);

        // The trained weights serve as a prior at any input size.
        using var prior = new LearnedPrior(Path.Combine(dir, PriorTrainer.WeightsFile));
        var map = prior.Predict(new RgbImage(70, 50, new byte[70 * 50 * 3]));
        Assert.Equal((70, 50, DepthKind.AffineDisparity), (map.Width, map.Height, map.Kind));
        Assert.All(map.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void CancellationSavesACheckpointAndStops()
    {
        var dir = TestData.NewTempDir();
        using var cts = new CancellationTokenSource();
        var progress = new CancelAfter(cts, 2);
        Assert.ThrowsAny<OperationCanceledException>(() => new PriorTrainer(Tiny(50), CPU).Train(new TinyScenes(2), dir, false, progress, cts.Token));
        var state = PriorTrainingState.TryLoad(dir);
        Assert.NotNull(state);
        Assert.Equal(2, state.Step);
        using var model = PriorWeights.Load(Path.Combine(dir, PriorTrainer.WeightsFile));
        Assert.True(File.Exists(Path.Combine(dir, TrainingLog.PlotFileName)), "a stopped run draws its loss curve too");
    }

    [Fact]
    public void AnInterruptedRunResumesOntoTheUninterruptedLossCurveFromOneConsistentCheckpoint()
    {
        var whole = TestData.NewTempDir();
        new PriorTrainer(Tiny(4), CPU).Train(new TinyScenes(2), whole, resume: false);

        var split = TestData.NewTempDir();
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => new PriorTrainer(Tiny(4), CPU).Train(new TinyScenes(2), split, false, new CancelAfter(cts, 2), cts.Token));
        // A kill between the two renames of the next save: the checkpoint is moved aside, the new one not yet in place.
        var checkpoint = PriorTrainingState.CheckpointFolder(split);
        Directory.Move(checkpoint, checkpoint + ".old-999999999");
        new PriorTrainer(Tiny(4), CPU).Train(new TinyScenes(2), split, resume: true);

        static string[] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, TrainingLog.FileName)).Skip(1).Select(l => string.Join(",", l.Split(',')[..2])).ToArray();
        Assert.Equal(Losses(whole), Losses(split));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, PriorTrainer.WeightsFile)), File.ReadAllBytes(Path.Combine(split, PriorTrainer.WeightsFile)));
        Assert.Equal([checkpoint], Directory.EnumerateDirectories(split, "checkpoint*").ToArray());
    }

    [Fact]
    public void InitStartsANewRunFromGivenWeightsAndRefusesAnotherNetwork()
    {
        var source = TestData.NewTempDir();
        new PriorTrainer(Tiny(2), CPU).Train(new TinyScenes(2), source, resume: false);
        var weights = Path.Combine(source, PriorTrainer.WeightsFile);

        // One step at a vanishing learning rate leaves the --init weights in place; a random start would not be near them.
        var tuned = TestData.NewTempDir();
        new PriorTrainer(Tiny(1) with { InitWeights = weights, LearningRate = 1e-12, Seed = 9 }, CPU).Train(new TinyScenes(2), tuned, resume: false);
        var scratch = TestData.NewTempDir();
        new PriorTrainer(Tiny(1) with { LearningRate = 1e-12, Seed = 9 }, CPU).Train(new TinyScenes(2), scratch, resume: false);
        using var init = PriorWeights.Load(weights);
        using var fromInit = PriorWeights.Load(Path.Combine(tuned, PriorTrainer.WeightsFile));
        using var fromScratch = PriorWeights.Load(Path.Combine(scratch, PriorTrainer.WeightsFile));
        Assert.True(MaxDifference(init, fromInit) < 1e-6);
        Assert.True(MaxDifference(init, fromScratch) > 1e-2);
        Assert.Equal(1, PriorTrainingState.TryLoad(tuned)!.Step);

        var wider = Tiny(1) with { InitWeights = weights, Model = new PriorCnnConfig(24, 96, 64) };
        var e = Assert.Throws<InvalidFileException>(() => new PriorTrainer(wider, CPU).Train(new TinyScenes(2), TestData.NewTempDir(), resume: false));
        Assert.Contains(weights, e.Message);
        Assert.Contains("16-channel network at 96x64", e.Message);
        var both = Tiny(2) with { InitWeights = weights };
        Assert.Throws<ArgumentException>(() => new PriorTrainer(both, CPU).Train(new TinyScenes(2), tuned, resume: true));
    }

    [Fact]
    public void InitFromAShallowerNetworkAddsIdentityBlocksAndResumesAsTheDeeperOne()
    {
        var source = TestData.NewTempDir();
        new PriorTrainer(Tiny(2), CPU).Train(new TinyScenes(2), source, resume: false);
        var weights = Path.Combine(source, PriorTrainer.WeightsFile);
        var deeper = Tiny(1) with { InitWeights = weights, LearningRate = 1e-12, Model = Tiny(1).Model with { ResidualBlocks = 1 } };
        var run = TestData.NewTempDir();
        new PriorTrainer(deeper, CPU).Train(new TinyScenes(2), run, resume: false);

        using var init = PriorWeights.Load(weights);
        using var grown = PriorWeights.Load(Path.Combine(run, PriorTrainer.WeightsFile));
        Assert.Equal(1, grown.Config.ResidualBlocks);
        Assert.Equal(1, PriorTrainingState.TryLoad(run)!.ResidualBlocks);
        using var input = randn(1, 3, 64, 96);
        using (no_grad())
        using (var a = init.forward(input))
        using (var b = grown.forward(input))
            Assert.True((a - b).abs().max().item<float>() < 1e-5, "the added blocks should start as the identity");

        // the checkpoint resumes only as the network it holds
        var shallower = Tiny(2);
        var e = Assert.Throws<ArgumentException>(() => new PriorTrainer(shallower, CPU).Train(new TinyScenes(2), run, resume: true));
        Assert.Contains("1 residual blocks per level", e.Message);
        new PriorTrainer(deeper with { InitWeights = null, Steps = 2 }, CPU).Train(new TinyScenes(2), run, resume: true);
        Assert.Equal(2, PriorTrainingState.TryLoad(run)!.Step);

        // a --init network cannot lose blocks
        var back = Tiny(1) with { InitWeights = Path.Combine(run, PriorTrainer.WeightsFile) };
        var lose = Assert.Throws<InvalidFileException>(() => new PriorTrainer(back, CPU).Train(new TinyScenes(2), TestData.NewTempDir(), resume: false));
        Assert.Contains("with 1 residual blocks per level", lose.Message);

        // attention blocks are added the same way, and the checkpoint records them
        var attending = deeper with { InitWeights = Path.Combine(run, PriorTrainer.WeightsFile), Model = deeper.Model with { AttentionBlocks = 1 } };
        var attendingRun = TestData.NewTempDir();
        new PriorTrainer(attending, CPU).Train(new TinyScenes(2), attendingRun, resume: false);
        Assert.Equal(deeper.Model with { AttentionBlocks = 1 }, PriorTrainingState.TryLoad(attendingRun)!.Model);
        var withoutAttention = Assert.Throws<ArgumentException>(() => new PriorTrainer(deeper with { InitWeights = null }, CPU).Train(new TinyScenes(2), attendingRun, resume: true));
        Assert.Contains("1 attention blocks per level", withoutAttention.Message);
    }

    [Fact]
    public void InitAtAnotherWorkingSizeTrainsTheSameWeightsAtThisRunsSize()
    {
        var small = Tiny(1) with { Model = new PriorCnnConfig(16, 64, 32, EncoderBlocks: 1) };
        var source = TestData.NewTempDir();
        new PriorTrainer(small, CPU).Train(new TinyScenes(2), source, resume: false);
        var weights = Path.Combine(source, PriorTrainer.WeightsFile);

        var large = small with { InitWeights = weights, LearningRate = 1e-12, Model = small.Model with { Width = 96, Height = 64 } };
        var run = TestData.NewTempDir();
        new PriorTrainer(large, CPU).Train(new TinyScenes(2), run, resume: false);
        using var init = PriorWeights.Load(weights);
        using var resized = PriorWeights.Load(Path.Combine(run, PriorTrainer.WeightsFile));
        Assert.Equal(large.Model, resized.Config);
        Assert.Equal(large.Model, PriorTrainingState.TryLoad(run)!.Model);
        Assert.True(MaxDifference(init, resized) < 1e-6);

        // --init cannot drop the encoder's blocks
        var plain = large with { Model = large.Model with { EncoderBlocks = 0 } };
        var e = Assert.Throws<InvalidFileException>(() => new PriorTrainer(plain, CPU).Train(new TinyScenes(2), TestData.NewTempDir(), resume: false));
        Assert.Contains("1 in the encoder", e.Message);
    }

    [Fact]
    public void AWeightAverageShipsAsTheDeliverableAndResumesOntoTheUninterruptedRun()
    {
        var options = Tiny(4) with { EmaDecay = 0.5 };
        var whole = TestData.NewTempDir();
        new PriorTrainer(options, CPU).Train(new TinyScenes(2), whole, resume: false);
        var checkpoint = PriorTrainingState.CheckpointFolder(whole);
        Assert.Equal(0.5, PriorTrainingState.TryLoad(whole)!.EmaDecay);
        Assert.Equal(File.ReadAllBytes(Path.Combine(checkpoint, PriorTrainer.AveragedFile)), File.ReadAllBytes(Path.Combine(whole, PriorTrainer.WeightsFile)));

        // Interrupted after step 3 and resumed: the same average at the end, byte for byte.
        var split = TestData.NewTempDir();
        using (var cts = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => new PriorTrainer(options, CPU).Train(new TinyScenes(2), split, false, new CancelAfter(cts, 3), cts.Token));
        using var average3 = PriorWeights.Load(Path.Combine(split, PriorTrainer.WeightsFile));
        var e = Assert.Throws<ArgumentException>(() => new PriorTrainer(Tiny(4), CPU).Train(new TinyScenes(2), split, resume: true));
        Assert.Contains("--ema-decay 0.5", e.Message);
        new PriorTrainer(options, CPU).Train(new TinyScenes(2), split, resume: true);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, PriorTrainer.WeightsFile)), File.ReadAllBytes(Path.Combine(split, PriorTrainer.WeightsFile)));

        // The average is the recursion over the raw weights of every step: step 4's from step 3's average and step 4's raw weights.
        using var raw4 = PriorWeights.Load(Path.Combine(checkpoint, PriorTrainer.WeightsFile));
        using var average4 = PriorWeights.Load(Path.Combine(whole, PriorTrainer.WeightsFile));
        var a3 = average3.state_dict(); var r4 = raw4.state_dict();
        Assert.True(average4.state_dict().Max(kv => (kv.Value - a3[kv.Key].Plus(r4[kv.Key]).Times(0.5)).abs().max().item<float>()) < 1e-6);
        Assert.True(MaxDifference(raw4, average4) > 1e-4, "the deliverable should be the average, not the raw weights");

        Assert.Throws<ArgumentException>(() => (Tiny(4) with { EmaDecay = 1 }).Validate());
    }

    [Fact]
    public void CheckpointStateWrittenBeforeResidualBlocksReadsAsNone()
    {
        var dir = TestData.NewTempDir();
        var checkpoint = PriorTrainingState.CheckpointFolder(dir);
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, PriorTrainingState.FileName),
            """{ "step": 3, "seed": 0, "base_channels": 16, "width": 96, "height": 64, "batch_size": 2, "learning_rate": 0.001, "total_steps": 5 }""");
        Assert.Equal(0, PriorTrainingState.TryLoad(dir)!.ResidualBlocks);
    }

    static double MaxDifference(PriorCnn a, PriorCnn b)
    {
        var other = b.state_dict();
        return a.state_dict().Max(kv => (kv.Value - other[kv.Key]).abs().max().item<float>());
    }

    [Fact]
    public void NonFiniteLossStopsWithAClearMessage()
    {
        var dir = TestData.NewTempDir();
        var options = Tiny(4) with { LearningRate = 1e30 };
        var e = Assert.Throws<TrainingDivergedException>(() => new PriorTrainer(options, CPU).Train(new TinyScenes(2), dir, false));
        Assert.Contains("lower --lr", e.Message);
        // Whatever checkpoint exists is one written before the divergence, and it loads.
        if (PriorTrainingState.TryLoad(dir) is not null)
            using (PriorWeights.Load(Path.Combine(dir, PriorTrainer.WeightsFile))) { }
    }

    sealed class CancelAfter(CancellationTokenSource cts, int steps) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) { if (value.Done >= steps) cts.Cancel(); }
    }
}
