using BetterDepth.Cli;
using BetterDepth.Cli.Commands;
using BetterDepth.Imaging;
using BetterDepth.Refinement.Sharding;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Cli;

/// <summary>`shards summarize` exit codes and predict's sharding arguments (checked before any model loads).</summary>
[Collection(ConsoleDisplay.Name)]
public class ShardsCommandTests
{
    static int Run(params string[] args) => Program.Run(args);

    [Fact]
    public void SummarizeExitsThreeUntilEveryInputIsCompleteAndWritesJson()
    {
        var root = TestData.NewTempDir("summarize");
        var images = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        foreach (var stem in new[] { "a", "b", "c" }) ImageFile.WritePng(Path.Combine(images, stem + ".png"), RefinementTestModels.Image(8, 6));
        var shards = Directory.CreateDirectory(Path.Combine(root, "out", ".shards")).FullName;
        ManifestEntry Entry(string stem, string status) => new(stem, Path.Combine(images, stem + ".png"), status, 0.1, status == ManifestEntry.Failed ? "broken" : null);
        void Save(int k, string state, params ManifestEntry[] entries) =>
            new ShardManifest { Shard = k, Shards = 2, State = state, Entries = [.. entries] }.Save(Path.Combine(shards, ShardManifest.FileName(new ShardSpec(k, 2))));

        Save(0, ShardManifest.Finished, Entry("a", ManifestEntry.Done), Entry("b", ManifestEntry.Failed));
        Save(1, ShardManifest.Running);
        var json = Path.Combine(root, "summary.json");
        Assert.Equal(ShardsCommand.ExitIncomplete, Run("shards", "summarize", Path.Combine(root, "out"), "--inputs", images, "--json", json));
        Assert.Contains("\"complete\": false", File.ReadAllText(json));
        Assert.Contains("\"missing\": [\n    \"c\"", File.ReadAllText(json).Replace("\r", ""));

        Save(0, ShardManifest.Finished, Entry("a", ManifestEntry.SkippedExisting), Entry("b", ManifestEntry.Done));
        Save(1, ShardManifest.Finished, Entry("c", ManifestEntry.Done));
        Assert.Equal(0, Run("shards", "summarize", shards, "--inputs", images, "--json", json));   // the manifest folder itself works too
        Assert.Contains("\"complete\": true", File.ReadAllText(json));

        Assert.Equal(CommandRunner.ExitBadInput, Run("shards", "summarize", Path.Combine(root, "nowhere")));
        Assert.Equal(CommandRunner.ExitBadInput, Run("shards", "summarize", images));   // no manifests there
    }

    [Fact]
    public void PredictRefusesBadShardingArgumentsBeforeLoadingAnything()
    {
        var root = TestData.NewTempDir("shard-args");
        var images = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        ImageFile.WritePng(Path.Combine(images, "a.png"), RefinementTestModels.Image(8, 6));
        var list = Path.Combine(root, "list.txt");
        File.WriteAllText(list, "images/a.png\n");
        var output = Path.Combine(root, "out");
        string[] rest = ["--refiner", Path.Combine(root, "no-such-refiner"), "--processing-res", "64", "-o", output];
        // each is refused for its own reason, before the (missing) refiner would be: the message says which
        void Refused(string expected, params string[] args)
        {
            var err = new StringWriter();
            var saved = Console.Error;
            Console.SetError(err);
            try { Assert.Equal(CommandRunner.ExitBadInput, Run(["predict", .. args, .. rest])); }
            finally { Console.SetError(saved); }
            Assert.Contains(expected, err.ToString());
        }
        Refused("outside 0..3", images, "--shard", "4/4");
        Refused("K/N", images, "--shard", "two/4");
        Refused("not both", images, "--shard", "1/4", "--shard-from-env");
        Refused("--shards goes with --shard-from-env", images, "--shards", "4");
        Refused("not both", images, "--input-list", list);
        Refused("no such input list", "--input-list", list + ".missing");
        Refused("--input-list FILE", []);
        Assert.False(Directory.Exists(output));
    }
}
