using BetterDepth.Imaging;
using BetterDepth.Priors.Learned;
using BetterDepth.Refinement;
using BetterDepth.Refinement.Sharding;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Cli;

/// <summary>
/// Sharded predict on a real Slurm (issue 17): a 4-task job array submitted with scripts/slurm/submit.sh writes every
/// output exactly once and the same bytes as one unsharded predict; a task killed with SIGKILL in the middle of its
/// shard is rerun alone by scripts/slurm/resubmit-failed.sh, which redoes only what was missing.
/// The models are made here (a tiny refiner and a small learned prior, seeded) so that the test does not depend on
/// the shipped weights; they go through the same loading code as models/ (learned:PATH, --refiner FOLDER).
/// </summary>
[Collection(ConsoleDisplay.Name)]
public class SlurmArrayTests
{
    const int Shards = 4, Victim = 2;
    static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    static string Cli => ChildProcess.CliDll;

    static (string Prior, string Refiner) Models(string root)
    {
        var refiner = Path.Combine(root, "refiner");
        using (var model = RefinementTestModels.Tiny()) model.Save(refiner);
        TorchSharp.torch.random.manual_seed(17);
        var prior = Path.Combine(root, "prior.safetensors");
        using (var cnn = new PriorCnn(new PriorCnnConfig(16, 96, 64))) PriorWeights.Save(cnn, prior);
        return (prior, refiner);
    }

    /// <summary>36 small images in a tree of three levels.</summary>
    static Dictionary<string, RgbImage> WriteImages(string dir)
    {
        var images = new Dictionary<string, RgbImage>();
        for (int i = 0; i < 36; i++)
        {
            var stem = (i % 3) switch { 0 => $"frame{i:D3}", 1 => $"seq_a/frame{i:D3}", _ => $"seq_b/deep/frame{i:D3}" };
            var image = RefinementTestModels.Image(64, 48, i + 1);
            ImageFile.WritePng(Path.Combine(dir, stem + ".png"), image);
            images[stem] = image;
        }
        return images;
    }

    static Dictionary<string, byte[]> Outputs(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).StartsWith(".shards", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void AFourTaskArrayWritesWhatOnePredictWritesAndAKilledTaskIsRerunAlone()
    {
        var root = TestData.NewTempDir("slurm-predict");
        var input = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        var output = Path.Combine(root, "sharded");
        var reference = Path.Combine(root, "single");
        var (prior, refiner) = Models(root);
        var images = WriteImages(input);
        string[] predictOptions = ["--prior", "learned:" + prior, "--refiner", refiner, "--processing-res", "64", "--seed", "5"];

        // The victim shard's third input is a named pipe: the task blocks on opening it, in the middle of its shard,
        // with the outputs of the inputs before it written; that is where it is killed.
        var order = ImageInputs.Stream([input]).Select(i => i.RelativeStem).ToList();
        var victimStems = order.Where(s => ShardSpec.Of(s, Shards) == Victim).ToList();
        Assert.True(victimStems.Count >= 4, $"shard {Victim} has {victimStems.Count} inputs");
        Assert.All(Enumerable.Range(0, Shards), k => Assert.Contains(order, s => ShardSpec.Of(s, Shards) == k));
        var blocking = victimStems[2];
        var blockingPath = Path.Combine(input, blocking + ".png");
        File.Delete(blockingPath);
        Assert.Equal(0, ChildProcess.Exec("mkfifo", null, blockingPath).Code);

        using var slurm = LocalSlurm.Start();
        var env = new Dictionary<string, string>
        {
            ["SLURM_CONF"] = slurm.Conf,
            ["BETTERDEPTH"] = "dotnet " + Cli,
            // a one-node test cluster: no memory or time requests; each task gets Slurm's default single CPU
            ["BD_CPUS"] = "", ["BD_MEM"] = "", ["BD_TIME"] = "",
        };
        var scripts = Path.Combine(TestData.RepoRoot, "scripts", "slurm");
        var submit = ChildProcess.Exec(Path.Combine(scripts, "submit.sh"), env, [Shards.ToString(), output, input, .. predictOptions]);
        Assert.True(submit.Code == 0, submit.Err + submit.Out);
        var job = submit.Out.Trim();

        // wait until the victim has written the inputs before the pipe and is blocked on it, then kill -9 it
        var victimManifest = Path.Combine(output, ".shards", ShardManifest.FileName(new ShardSpec(Victim, Shards)));
        var writer = new PredictionWriter(OutputFormatsParser.Parse("npy,png16,color"));
        LocalSlurm.WaitUntil(() => File.Exists(victimManifest) && victimStems.Take(2).All(s => writer.IsComplete(Path.Combine(output, s), false)),
            JobTimeout, $"shard {Victim} to write its first outputs");
        Thread.Sleep(500);
        var pid = ShardManifest.Load(victimManifest).Pid;
        Assert.Equal(0, ChildProcess.Exec("kill", null, "-9", pid.ToString()).Code);
        slurm.WaitForJob(job, JobTimeout);

        var states = slurm.TaskStates(job);
        Assert.Equal(Enumerable.Range(0, Shards), states.Keys.Order());
        Assert.All(states.Where(s => s.Key != Victim), s => Assert.Equal("COMPLETED", s.Value));
        Assert.NotEqual("COMPLETED", states[Victim]);
        Assert.Equal(ShardManifest.Running, ShardManifest.Load(victimManifest).State);   // killed: never finished

        // the summary knows the shard is not done, and which index to rerun
        var cli = new[] { Cli, "shards", "summarize", output, "--inputs", input };
        var incomplete = ChildProcess.Exec("dotnet", null, cli);
        Assert.True(incomplete.Code == 3, incomplete.Out + incomplete.Err);
        Assert.Contains($"shard {Victim}/{Shards}", incomplete.Out);
        Assert.Equal($"{Victim}", ChildProcess.Exec("dotnet", null, [Cli, "shards", "summarize", output, "--rerun-indices"]).Out.Trim());

        // the image comes back; the rerun of the victim's index alone must write only what is missing
        File.Delete(blockingPath);
        ImageFile.WritePng(blockingPath, images[blocking]);
        var before = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.shards/"))
            .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), new FileInfo(f).Length));
        Assert.All(victimStems.Take(2), s => Assert.Contains(Path.Combine(output, s + ".npy"), before.Keys));
        var resubmit = ChildProcess.Exec(Path.Combine(scripts, "resubmit-failed.sh"), env, output);
        Assert.True(resubmit.Code == 0, resubmit.Err + resubmit.Out);
        var rerunJob = resubmit.Out.Trim();
        slurm.WaitForJob(rerunJob, JobTimeout);
        Assert.Equal("COMPLETED", Assert.Single(slurm.TaskStates(rerunJob)).Value);

        // nothing written twice: every file that was there is the same file; no partial (temp) file anywhere
        foreach (var (path, stamp) in before)
            Assert.Equal(stamp, (File.GetLastWriteTimeUtc(path), new FileInfo(path).Length));
        Assert.DoesNotContain(Directory.GetFiles(output, ".*", SearchOption.AllDirectories), f => f.EndsWith(".tmp"));
        var complete = ChildProcess.Exec("dotnet", null, cli);
        Assert.True(complete.Code == 0, complete.Out + complete.Err);
        Assert.Contains("complete", complete.Out);

        // the final manifests account for every input exactly once; the rerun skipped what the killed task had done
        var manifests = ShardManifest.LoadAll(output).Select(m => m.Manifest).ToList();
        Assert.Equal(Shards, manifests.Count);
        Assert.All(manifests, m => Assert.Equal(ShardManifest.Finished, m.State));
        var entries = manifests.SelectMany(m => m.Entries.Select(e => (m.Shard, e))).ToList();
        Assert.Equal(order.Order(StringComparer.Ordinal), entries.Select(e => e.e.Stem).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(ShardSpec.Of(e.e.Stem, Shards), e.Shard));
        var rerun = manifests.Single(m => m.Shard == Victim).Entries.ToDictionary(e => e.Stem);
        Assert.All(victimStems.Take(2), s => Assert.Equal(ManifestEntry.SkippedExisting, rerun[s].Status));
        Assert.Equal(ManifestEntry.Done, rerun[blocking].Status);

        // and the outputs are those of one unsharded predict over the same inputs
        var single = ChildProcess.Exec("dotnet", null, [Cli, "predict", input, "-o", reference, .. predictOptions]);
        Assert.True(single.Code == 0, single.Err + single.Out);
        var expected = Outputs(reference);
        var actual = Outputs(output);
        Assert.Equal(3 * images.Count, expected.Count);   // npy, png16 and color per image
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(actual[kv.Key]), kv.Key + " differs from the unsharded run's"));
    }
}
