using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Refinement.Sharding;

namespace BetterDepth.Tests.Refinement.Sharding;

/// <summary>Shards over a real (tiny) refiner: together they write what one run writes, and --skip-existing's rule.</summary>
public class ShardedPredictionTests : IClassFixture<RefinementPipelineTests.Model>
{
    readonly RefinerModel refiner;
    public ShardedPredictionTests(RefinementPipelineTests.Model model) => refiner = model.Refiner;

    static readonly RefinementOptions Fast = new() { Steps = 1, ProcessingResolution = 0 };

    static string Images(int count)
    {
        var dir = TestData.NewTempDir("shard-in");
        for (int i = 0; i < count; i++)
            ImageFile.WritePng(Path.Combine(dir, i % 3 == 0 ? "sub" : "", $"img{i:D2}.png"), RefinementTestModels.Image(24, 16, i));
        return dir;
    }

    ShardedPrediction Run(ShardSpec shard, bool skipExisting, PredictionWriter? writer = null) =>
        new(new RefinementPipeline(new RefinementTestModels.RampPrior(), refiner, Fast), writer ?? new PredictionWriter(OutputFormats.Npy | OutputFormats.Png16), shard, skipExisting, withUncertainty: false);

    static Dictionary<string, byte[]> Outputs(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.shards/"))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void ShardsTogetherWriteExactlyWhatOneRunWrites()
    {
        var input = Images(10);
        var whole = Path.Combine(TestData.NewTempDir(), "whole");
        var single = Run(ShardSpec.Whole, false).Run(ImageInputs.Stream([input]), whole, null, e => e is InvalidFileException);
        Assert.Equal((10, 0, 10L), (single.Done, single.SkippedExisting, single.InputsSeen));

        var sharded = Path.Combine(TestData.NewTempDir(), "sharded");
        int done = 0;
        for (int k = 0; k < 3; k++)
        {
            var outcome = Run(new ShardSpec(k, 3), false).Run(ImageInputs.Stream([input]), sharded, Path.Combine(sharded, ".shards"), e => e is InvalidFileException);
            Assert.Equal(10, outcome.InputsSeen);
            done += outcome.Done;
        }
        Assert.Equal(10, done);
        var expected = Outputs(whole);
        var actual = Outputs(sharded);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
        Assert.Contains("sub/img00.npy", actual.Keys);

        var manifests = ShardManifest.LoadAll(sharded).Select(m => m.Manifest).ToList();
        Assert.Equal(3, manifests.Count);
        Assert.All(manifests, m => Assert.Equal(ShardManifest.Finished, m.State));
        Assert.All(manifests.SelectMany(m => m.Entries), e => Assert.True(e.Status == ManifestEntry.Done && e.Seconds > 0));
        var summary = ShardSummary.Merge(manifests, ImageInputs.Stream([input]).Select(i => i.RelativeStem));
        Assert.True(summary.IsComplete);
        Assert.Equal(10, summary.Done);
    }

    [Fact]
    public void SkipExistingSkipsOnlyImagesWithAllTheirFiles()
    {
        var input = Images(4);
        var output = Path.Combine(TestData.NewTempDir(), "out");
        var writer = new PredictionWriter(OutputFormats.Npy | OutputFormats.Png16, savePrior: true);
        Run(ShardSpec.Whole, false, writer).Run(ImageInputs.Stream([input]), output, null, e => e is InvalidFileException);
        var before = Directory.GetFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.Equal(16, before.Count);   // 4 images x (npy, png) x (refined, prior)

        // img01 lost one of its four files; img02 has only a killed run's temp file in place of its .png
        File.Delete(Path.Combine(output, "img01_prior.png"));
        File.Move(Path.Combine(output, "img02.png"), Path.Combine(output, ".img02.png.999999-0123456789abcdef0123456789abcdef.tmp"));
        Assert.False(writer.IsComplete(Path.Combine(output, "img01"), withUncertainty: false));
        Assert.True(writer.IsComplete(Path.Combine(output, "sub", "img00"), withUncertainty: false));
        Assert.False(writer.IsComplete(Path.Combine(output, "sub", "img00"), withUncertainty: true));   // ensembles also write _uncertainty.*
        Thread.Sleep(20);

        var outcome = Run(ShardSpec.Whole, true, writer).Run(ImageInputs.Stream([input]), output, Path.Combine(output, ".shards"), e => e is InvalidFileException);
        Assert.Equal((2, 2), (outcome.Done, outcome.SkippedExisting));
        foreach (var (path, time) in before)
        {
            var redone = path.Contains("img01") || path.Contains("img02");
            Assert.True(File.Exists(path), path);
            Assert.Equal(!redone, File.GetLastWriteTimeUtc(path) == time);
        }
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));   // the stale temp file went
        var manifest = ShardManifest.LoadAll(output).Single().Manifest;
        Assert.Equal(["img01:done", "img02:done", "sub/img00:skipped-existing", "sub/img03:skipped-existing"],
            manifest.Entries.Select(e => $"{e.Stem}:{e.Status}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ASecondInputWithTheSameOutputsFailsAndAnUnreadableOneIsRecordedWithItsReason()
    {
        var input = Images(2);
        File.WriteAllBytes(Path.Combine(input, "img01.jpg"), [1, 2, 3]);    // same stem as img01.png, and first in order
        File.WriteAllBytes(Path.Combine(input, "broken.png"), [0x89, 0x50]);
        var output = Path.Combine(TestData.NewTempDir(), "out");
        var outcome = Run(ShardSpec.Whole, false).Run(ImageInputs.Stream([input]), output, Path.Combine(output, ".shards"), e => e is InvalidFileException or ArgumentException);
        Assert.Equal(1, outcome.Done);
        var entries = ShardManifest.LoadAll(output).Single().Manifest.Entries;
        // the first input of a stem claims it (here the broken .jpg), the second is refused, not written over it
        Assert.Contains(entries, e => e.Input.EndsWith("img01.jpg") && e.Status == ManifestEntry.Failed && e.Reason!.StartsWith("InvalidFileException"));
        Assert.Contains(entries, e => e.Input.EndsWith("img01.png") && e.Status == ManifestEntry.Failed && e.Reason!.Contains("would overwrite"));
        Assert.False(File.Exists(Path.Combine(output, "img01.npy")));
        Assert.Contains(entries, e => e.Stem == "broken" && e.Status == ManifestEntry.Failed && e.Reason!.StartsWith("InvalidFileException"));
    }

    [Fact]
    public void AnInputListIsReadLineByLineRelativeToItsRoot()
    {
        var root = Images(3);
        var list = Path.Combine(root, "list.txt");
        File.WriteAllLines(list, ["# frames", "img01.png", "", Path.Combine(root, "sub", "img00.png"), "  img02.png  "]);
        Assert.Equal(["img01", "sub/img00", "img02"], ImageInputs.FromList(list).Select(i => i.RelativeStem));
        Assert.Equal(Path.Combine(root, "img01.png"), ImageInputs.FromList(list).First().Path);

        File.AppendAllLines(list, ["../elsewhere.png"]);
        Assert.Throws<ArgumentException>(() => ImageInputs.FromList(list).ToList());
        Assert.Throws<FileNotFoundException>(() => ImageInputs.FromList(list + ".missing"));
        Assert.Throws<FileNotFoundException>(() => ImageInputs.Stream([Path.Combine(root, "nope")]));
    }
}
