using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;
using BetterDepth.Training;
using BetterDepth.Training.Priors;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training;

/// <summary>Whole training runs of the tiny refiner on four 32x24 synthetic scenes: resume, stop, Ctrl-C, divergence, bad configs.
/// RefinerModel.Create seeds libtorch's global generator, which other
/// tests building modules in parallel would draw from, so these run alone.</summary>
[Collection(BetterDepth.Tests.Priors.Learned.TorchSeeded.Name)]
public class RefinerTrainingTests(TrainingRuns runs) : IClassFixture<TrainingRuns>
{
    /// <summary>Reports synchronously (unlike Progress&lt;T&gt;) and cancels once training reaches an iteration.</summary>
    sealed class CancelAt(CancellationTokenSource cts, int iteration) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value)
        {
            if (value.Note?.StartsWith("loss") == true && value.Done >= iteration) cts.Cancel();
        }
    }

    [Fact]
    public void StoppedCancelledAndResumedRunsFollowTheUninterruptedLossCurve()
    {
        var config = runs.Config();
        var whole = runs.NewRun("whole");
        var result = RefinerTraining.Run(config, whole, resume: false, null, CancellationToken.None);
        Assert.Equal(3, result.Iterations);
        Assert.True(double.IsFinite(result.LastLoss));
        var expected = TrainingRuns.LossColumns(whole);
        Assert.Equal(3, expected.Count);
        Assert.True(File.Exists(Path.Combine(whole, "loss_curve.png")));
        Assert.True(File.Exists(Path.Combine(whole, "config.json")));
        using (var final = RefinerModel.Load(result.FinalFolder, CPU)) Assert.Equal(Conditioning.ImageAndDepth, final.Conditioning);

        // --stop-after 2, then --resume
        var split = runs.NewRun("split");
        var stopped = RefinerTraining.Run(config, split, false, null, CancellationToken.None, stopAfter: 2);
        Assert.Equal(2, stopped.Iterations);
        Assert.False(Directory.Exists(Path.Combine(split, RefinerTrainer.FinalName)));
        Assert.Equal(2, TrainingCheckpoint.ReadIteration(split, config));
        RefinerTraining.Run(config, split, resume: true, null, CancellationToken.None);
        Assert.Equal(expected, TrainingRuns.LossColumns(split));

        // Ctrl-C after iteration 1 (between checkpoints): a checkpoint of iteration 1 is written, then resume.
        var cancelled = runs.NewRun("ctrl-c");
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => RefinerTraining.Run(config, cancelled, false, new CancelAt(cts, 1), cts.Token));
        Assert.Equal(1, TrainingCheckpoint.ReadIteration(cancelled, config));
        using (TrainingCheckpoint.LoadModel(cancelled, CPU)) { }
        RefinerTraining.Run(config, cancelled, resume: true, null, CancellationToken.None);
        Assert.Equal(expected, TrainingRuns.LossColumns(cancelled));

        // A finished run cannot be restarted in place, and resuming it needs the same settings.
        Assert.Contains("--resume", Assert.Throws<ArgumentException>(() => RefinerTraining.Run(config, whole, false, null, CancellationToken.None)).Message);
        var other = config with { BatchSize = 1 };
        var e = Assert.Throws<InvalidFileException>(() => RefinerTraining.Run(other, whole, true, null, CancellationToken.None));
        Assert.Contains("batch_size", e.Message);
        var small = config with { Model = "small" };
        Assert.Contains("model", Assert.Throws<InvalidFileException>(() => RefinerTraining.Run(small, whole, true, null, CancellationToken.None)).Message);
    }

    [Fact]
    public void ATrainedRefinerNamesItsPriorSoPredictRunsItOnThatPrior()
    {
        var prior = Path.Combine(runs.Root, "priors", $"cnn-{Guid.NewGuid():N}.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(prior)!);
        using (var cnn = new BetterDepth.Priors.Learned.PriorCnn(new BetterDepth.Priors.Learned.PriorCnnConfig(8, 64, 32)))
            BetterDepth.Priors.Learned.PriorWeights.Save(cnn, prior);
        var run = runs.NewRun("learned-prior");
        var json = TrainingRuns.ConfigJson(iterations: 1).Replace("\"degraded:4\"", $"\"learned:{prior.Replace("\\", "/")}\"");
        var result = RefinerTraining.Run(RefinerTrainingConfig.Load(runs.WriteConfig(json, "learned-prior.json")), run, false, null, CancellationToken.None);
        Assert.Equal("learned:" + prior, RefinerDefaults.Read(result.FinalFolder).Prior);

        // the degraded prior needs each sample's ground truth: predict could not build it, so it is not named
        var degraded = RefinerTraining.Run(runs.Config(iterations: 1, name: "degraded-prior.json"), runs.NewRun("degraded-prior"), false, null, CancellationToken.None);
        Assert.Null(RefinerDefaults.Read(degraded.FinalFolder).Prior);
    }

    [Fact]
    public void ConditionSkipTrainsAnX0RefinerThatKeepsTheSkipAndRejectsV()
    {
        var schedulers = Path.Combine(TestData.RepoRoot, "configs", "schedulers", "sample-trailing-zsnr.json");
        var config = runs.Config($", \"condition_skip\": true, \"scheduler\": \"{schedulers.Replace("\\", "/")}\"", iterations: 2, name: "skip.json");
        var run = runs.NewRun("skip");
        RefinerTraining.Run(config, run, resume: false, null, CancellationToken.None);
        using var trained = BetterDepth.Refinement.RefinerModel.Load(Path.Combine(run, "final"), TorchSharp.torch.CPU);
        Assert.True(trained.ConditionSkip);
        // resuming with the skip switched off is refused rather than silently changing the model
        var off = config with { ConditionSkip = false };
        var again = runs.NewRun("skip-off");
        RefinerTraining.Run(config, again, false, null, CancellationToken.None, stopAfter: 1);
        Assert.Contains("condition skip", Assert.Throws<ArgumentException>(() => RefinerTraining.Run(off, again, true, null, CancellationToken.None)).Message);
        var v = runs.Config(", \"condition_skip\": true", name: "skip-v.json");
        Assert.Contains("condition skip", Assert.Throws<ArgumentException>(() => RefinerTraining.Run(v, runs.NewRun("skip-v"), false, null, CancellationToken.None)).Message);
    }

    [Fact]
    public void CachedLatentsGiveTheLossCurveOfFreshEncodings()
    {
        // Four scenes drawn over six iterations of batch 2: every sample and mirror is reused, so the cache is hit.
        var cached = runs.NewRun("cached");
        RefinerTraining.Run(runs.Config(", \"latent_cache\": true", iterations: 6, name: "cached.json"), cached, false, null, CancellationToken.None);
        var fresh = runs.NewRun("fresh");
        RefinerTraining.Run(runs.Config(", \"latent_cache\": false", iterations: 6, name: "fresh.json"), fresh, false, null, CancellationToken.None);
        var a = TrainingRuns.LossColumns(cached).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var b = TrainingRuns.LossColumns(fresh).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(6, a.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(b[i], a[i], 1e-4 * Math.Max(1, Math.Abs(b[i])));

        // Another run over the same samples reads the first run's latents from disk and follows its loss curve exactly.
        var store = Path.Combine(cached, "latent-cache");
        var entries = Directory.GetFiles(store, "*.npy", SearchOption.AllDirectories).Length;
        Assert.True(entries > 0);
        var shared = runs.NewRun("shared");
        RefinerTraining.Run(runs.Config($", \"latent_cache\": true, \"latent_cache_dir\": \"{store.Replace("\\", "/")}\"", iterations: 6, name: "shared.json"),
            shared, false, null, CancellationToken.None);
        Assert.Equal(TrainingRuns.LossColumns(cached), TrainingRuns.LossColumns(shared));
        Assert.Equal(entries, Directory.GetFiles(store, "*.npy", SearchOption.AllDirectories).Length);
        Assert.False(Directory.Exists(Path.Combine(shared, "latent-cache")));
    }

    [Fact]
    public void ResumeWithoutACheckpointIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => RefinerTraining.Run(runs.Config(), runs.NewRun("none"), true, null, CancellationToken.None));
        Assert.Contains("no checkpoint", e.Message);
    }

    [Fact]
    public void DivergenceStopsAndKeepsTheLastGoodCheckpoint()
    {
        var config = runs.Config(iterations: 2) with { CheckpointEvery = 1 };
        var run = runs.NewRun("nan");
        RefinerTraining.Run(config, run, false, null, CancellationToken.None, stopAfter: 1);
        var checkpoint = Path.Combine(run, TrainingCheckpoint.FolderName);

        // Poison one weight of the saved refiner with the largest finite float (NaN itself is refused when the weights
        // are loaded): the next iteration's activations overflow and its loss is not finite.
        using (var model = TrainingCheckpoint.LoadModel(run, CPU))
        {
            using (no_grad()) model.Unet.parameters().First().fill_(float.MaxValue);
            var poisoned = Path.Combine(run, "poisoned");
            model.Save(poisoned);
            var refiner = Path.Combine(checkpoint, "refiner");
            Directory.Delete(refiner, true);
            Directory.Move(poisoned, refiner);
        }
        var before = Snapshot(checkpoint);
        var e = Assert.Throws<TrainingDivergedException>(() => RefinerTraining.Run(config, run, true, null, CancellationToken.None));
        Assert.Contains("iteration 2", e.Message);
        Assert.Equal(before, Snapshot(checkpoint));
        Assert.Equal(1, TrainingCheckpoint.ReadIteration(run, config));
        Assert.False(Directory.Exists(Path.Combine(run, RefinerTrainer.FinalName)));
    }

    [Fact]
    public void AnAbsurdLearningRateDivergesWithoutOverwritingTheCheckpoint()
    {
        var config = runs.Config(iterations: 4) with { LearningRate = 1e6, WarmupSteps = 0, CheckpointEvery = 1 };
        var run = runs.NewRun("lr");
        var e = Assert.Throws<TrainingDivergedException>(() => RefinerTraining.Run(config, run, false, null, CancellationToken.None));
        int kept = TrainingCheckpoint.ReadIteration(run, config);
        Assert.Contains($"iteration {kept + 1}", e.Message);
        using (TrainingCheckpoint.LoadModel(run, CPU)) { }
    }

    [Fact]
    public void ASchedulerGivenWithInitFromReplacesTheFoldersAndUnsetKeepsIt()
    {
        var start = runs.NewRun("init-source");
        using (var fresh = RefinementTestModels.Tiny()) fresh.Save(start);
        var init = $", \"init_from\": \"{start.Replace("\\", "/")}\"";

        var kept = runs.NewRun("init-kept");
        RefinerTraining.Run(runs.Config(init, iterations: 1, name: "init-kept.json"), kept, false, null, CancellationToken.None);
        using (var trained = RefinerModel.Load(Path.Combine(kept, RefinerTrainer.FinalName), CPU))
            Assert.Equal(SchedulerConfig.MarigoldV1_0, trained.Scheduler);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(kept, RefinerTrainer.FinalName, RefinerModel.ManifestName)))!;
        Assert.Equal(start.Replace("\\", "/"), manifest["training"]?["init_from"]?.GetValue<string>());

        var replaced = runs.NewRun("init-replaced");
        RefinerTraining.Run(runs.Config(init + ", \"scheduler\": \"marigold-v1.1\"", iterations: 1, name: "init-replaced.json"), replaced, false, null, CancellationToken.None);
        using (var trained = RefinerModel.Load(Path.Combine(replaced, RefinerTrainer.FinalName), CPU))
            Assert.Equal(SchedulerConfig.MarigoldV1_1, trained.Scheduler);

        var missing = runs.Config(init + ", \"scheduler\": \"no-such-scheduler.json\"", iterations: 1, name: "init-missing.json");
        Assert.Contains("no-such-scheduler.json", Assert.Throws<InvalidFileException>(() => RefinerTraining.Run(missing, runs.NewRun("init-missing"), false, null, CancellationToken.None)).Message);
    }

    [Fact]
    public void DegradedPriorSpecNeedsAnIntegerSeed()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingPriors.Create("degraded:abc", _ => throw new InvalidOperationException(), runs.NewRun("spec")));
        Assert.Contains("degraded:abc", e.Message);
        using var seeded = TrainingPriors.Create("degraded:12", _ => throw new InvalidOperationException(), runs.NewRun("spec"));
        using var plain = TrainingPriors.Create("Degraded", _ => throw new InvalidOperationException(), runs.NewRun("spec"));
        Assert.NotEqual(seeded.CacheIdentity, plain.CacheIdentity);
    }

    static Dictionary<string, string> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    [Theory]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\"}], \"batch_sise\": 2}", "batch_sise")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\"}], \"batch_size\": -2}", "batch_size")]
    [InlineData("{\"model\": \"tiny\"}", "datasets")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\"}], \"eta\": 0}", "eta")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\"}], \"conditioning\": \"depth\"}", "conditioning")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\", \"weight\": 0}]}", "weight")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": [{\"dataset\": \"synth/dataset.json\"}], \"learning_rate\": \"fast\"}", "learning_rate")]
    [InlineData("{\"model\": \"tiny\", \"datasets\": ", "")]
    public void BadConfigsNameTheFileAndTheField(string json, string field)
    {
        var path = runs.WriteConfig(json, $"bad-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<InvalidFileException>(() => RefinerTrainingConfig.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void ConfigDefaultsAndRelativePaths()
    {
        var config = RefinerTrainingConfig.Load(runs.WriteConfig("{\"datasets\": [{\"dataset\": \"synth/dataset.json\"}]}", "defaults.json"));
        Assert.Equal(("tiny", 4, 5000, 3e-5, 100, 0.01, 8, 0.1), (config.Model, config.BatchSize, config.Iterations, config.LearningRate, config.WarmupSteps, config.FinalLrRatio, config.PatchSize, config.Eta));
        Assert.Equal(Path.Combine(runs.Root, "synth", "dataset.json"), config.Resolve("synth/dataset.json"));
        // The run folder's copy of the config reads back as the same settings.
        var copy = runs.WriteConfig(config.ToJson(), "copy.json");
        Assert.Equal(config.ToJson(), RefinerTrainingConfig.Load(copy).ToJson());
    }
}
