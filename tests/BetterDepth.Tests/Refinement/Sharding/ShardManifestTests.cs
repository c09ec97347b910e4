using BetterDepth.Refinement.Sharding;

namespace BetterDepth.Tests.Refinement.Sharding;

/// <summary>Manifests on disk and their merge into one summary.</summary>
public class ShardManifestTests
{
    static ShardManifest Manifest(int k, int n, string state, params ManifestEntry[] entries) =>
        new() { Shard = k, Shards = n, State = state, Entries = [.. entries], UpdatedUtc = DateTime.UtcNow };

    static ManifestEntry Done(string stem) => new(stem, "/in/" + stem + ".png", ManifestEntry.Done, 0.5);
    static ManifestEntry Skipped(string stem) => new(stem, "/in/" + stem + ".png", ManifestEntry.SkippedExisting, 0);
    static ManifestEntry Failed(string stem) => new(stem, "/in/" + stem + ".png", ManifestEntry.Failed, 0.1, "InvalidFileException: not a PNG");

    [Fact]
    public void SavesAtomicallyAndLoadsBack()
    {
        var dir = TestData.NewTempDir("manifest");
        var path = Path.Combine(dir, ShardManifest.FileName(new ShardSpec(1, 3)));
        Assert.Equal("shard-1-of-3.json", Path.GetFileName(path));
        var m = Manifest(1, 3, ShardManifest.Finished, Done("a/b"), Failed("c \"quoted\"\nline"), Skipped("d"));
        m.InputsSeen = 9;
        m.Save(path);
        var back = ShardManifest.Load(path);
        Assert.Equal((1, 3, ShardManifest.Finished, 9L), (back.Shard, back.Shards, back.State, back.InputsSeen!.Value));
        Assert.Equal(m.Entries, back.Entries);
        Assert.Equal([path], Directory.GetFiles(dir));   // no temp file left
        // one line per entry, so that grep and wc -l work on a manifest
        Assert.Equal(3, File.ReadAllLines(path).Count(l => l.Contains("\"stem\"")));

        File.WriteAllText(Path.Combine(dir, "shard-0-of-3.json"), "{\"format\": \"something else\"}");
        Assert.Throws<InvalidDataException>(() => ShardManifest.Load(Path.Combine(dir, "shard-0-of-3.json")));
    }

    [Fact]
    public void TheWriterKeepsTheFileCurrentAndRecordsTheEnd()
    {
        var path = Path.Combine(TestData.NewTempDir("manifest"), "shard-0-of-2.json");
        var writer = new ShardManifestWriter(path, new ShardSpec(0, 2));
        Assert.Equal(ShardManifest.Running, ShardManifest.Load(path).State);   // there from the start
        Thread.Sleep(300);   // saved when the last save took under 1/20 of the time since
        writer.Add(Done("a"));
        Assert.Single(ShardManifest.Load(path).Entries);   // small manifests are saved after every input
        writer.Finish(ShardManifest.Finished, 5);
        var m = ShardManifest.Load(path);
        Assert.Equal((ShardManifest.Finished, 5L), (m.State, m.InputsSeen!.Value));
    }

    [Fact]
    public void MergeListsFailedMissingAndUnfinishedShardsAndTheIndicesToRerun()
    {
        var manifests = new[]
        {
            Manifest(0, 3, ShardManifest.Finished, Done("a"), Failed("b"), Skipped("c")),
            Manifest(1, 3, ShardManifest.Running, Done("d")),        // killed: its manifest stayed "running"
            // shard 2 never wrote one
        };
        var summary = ShardSummary.Merge(manifests, ["a", "b", "c", "d", "e"]);
        Assert.False(summary.IsComplete);
        Assert.Equal(3, summary.Shards);
        Assert.Equal((3, 2, 1), (summary.Complete, summary.Done, summary.SkippedExisting));
        Assert.Equal(["b"], summary.Failed.Select(f => f.Stem));
        Assert.Contains("not a PNG", summary.Failed[0].Reason);
        Assert.Equal(["e"], summary.Missing);
        Assert.Equal([1, 2], summary.IncompleteShards.Select(s => s.Index));
        Assert.Equal(new[] { 0, 1, 2 }.Union([ShardSpec.Of("e", 3)]).Order(), summary.RerunIndices);
        Assert.Empty(summary.DoneTwice);
    }

    [Fact]
    public void ARerunThatCompletesEverythingMakesTheSummaryComplete()
    {
        var first = Manifest(0, 2, ShardManifest.Finished, Done("a"), Failed("b"));
        first.UpdatedUtc = DateTime.UtcNow.AddMinutes(-5);
        var other = Manifest(1, 2, ShardManifest.Finished, Done("c"));
        // the rerun of shard 0 replaced its file; an older copy elsewhere must not bring the failure back
        var rerun = Manifest(0, 2, ShardManifest.Finished, Skipped("a"), Done("b"));
        var summary = ShardSummary.Merge([first, other, rerun], ["a", "b", "c"]);
        Assert.True(summary.IsComplete);
        Assert.Empty(summary.RerunIndices);
        Assert.Equal((3, 3, 0), (summary.Complete, summary.Done, summary.SkippedExisting));
        Assert.Empty(summary.DoneTwice);

        // two manifests that both wrote the same input: reported
        var twice = ShardSummary.Merge([Manifest(0, 1, ShardManifest.Finished, Done("a")), Manifest(0, 2, ShardManifest.Finished, Done("a")), Manifest(1, 2, ShardManifest.Finished)]);
        Assert.Equal(["a"], twice.DoneTwice);
    }

    [Fact]
    public void InputsDoneUnderAnotherNCountButTheCurrentLayoutsShardsMustAllFinish()
    {
        var old = Manifest(0, 1, ShardManifest.Finished, Done("a"), Done("b"));
        old.UpdatedUtc = DateTime.UtcNow.AddHours(-1);
        var now0 = Manifest(0, 2, ShardManifest.Finished, Skipped("a"));
        var summary = ShardSummary.Merge([old, now0], ["a", "b"]);
        Assert.Equal(2, summary.Shards);
        Assert.Empty(summary.Missing);
        Assert.Equal([1], summary.IncompleteShards.Select(s => s.Index));
        Assert.False(summary.IsComplete);
    }

    [Fact]
    public void NoManifestIsBadInput() =>
        Assert.Throws<ArgumentException>(() => ShardSummary.Merge([]));
}
