using System.Security.Cryptography;
using System.Text.Json;
using BetterDepth.Imaging;
using BetterDepth.Synthetic;

namespace BetterDepth.Tests.Synthetic;

public class SyntheticDatasetTests
{
    static readonly SyntheticDatasetOptions Small = new(Count: 4, Width: 48, Height: 32, Seed: 5, Kind: SceneKind.Mixed, TestFraction: 0.25);

    static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameOptionsWriteTheSameBytes()
    {
        string a = TestData.NewTempDir("synth"), b = TestData.NewTempDir("synth");
        SyntheticDataset.Write(a, Small);
        SyntheticDataset.Write(b, Small);
        var ha = Hashes(a);
        Assert.Equal(4 * 4 + 5, ha.Count); // 4 files per scene + 3 splits + dataset.json + synth.json, no temp files left
        Assert.Equal(ha, Hashes(b));
    }

    [Fact]
    public void SceneFilesDoNotDependOnTheCount()
    {
        string a = TestData.NewTempDir("synth"), b = TestData.NewTempDir("synth");
        SyntheticDataset.Write(a, Small with { Count = 2 });
        SyntheticDataset.Write(b, Small with { Count = 3 });
        var ha = Hashes(a);
        var hb = Hashes(b);
        foreach (var file in new[] { "rgb/000001.png", "depth/000001.npy", "depth/000001.png", "intrinsics/000001.json" })
            Assert.Equal(ha[file], hb[file]);
    }

    [Fact]
    public void FilesReadBackAsTheRenderedSample()
    {
        string folder = TestData.NewTempDir("synth");
        SyntheticDataset.Write(folder, Small);
        for (int i = 0; i < Small.Count; i++)
        {
            var sample = SceneRenderer.Render(SyntheticDataset.SceneSeed(Small.Seed, i), Small.Kind, Small.Width, Small.Height,
                                              new RenderOptions(Antialias: true, ParallelRows: false));
            string stem = SyntheticDataset.Stem(i);
            Assert.Equal(sample.Image.Data, ImageFile.ReadRgb(Path.Combine(folder, "rgb", stem + ".png")).Data);
            Assert.Equal(sample.Depth.Values, DepthFile.ReadNpy(Path.Combine(folder, "depth", stem + ".npy"), DepthKind.Depth).Values);
            var millimetres = DepthFile.ReadPng16(Path.Combine(folder, "depth", stem + ".png"), 1.0); // raw units
            for (int p = 0; p < sample.Depth.PixelCount; p++)
                Assert.Equal(Math.Min(65535, Math.Round(sample.Depth.Values[p] * 1000.0, MidpointRounding.AwayFromZero)), millimetres.Values[p]);
            Assert.Equal(sample.Intrinsics, CameraIntrinsics.Load(Path.Combine(folder, "intrinsics", stem + ".json")));
        }
    }

    [Fact]
    public void SplitFilesPartitionTheScenesAndDatasetJsonDescribesThem()
    {
        string folder = TestData.NewTempDir("synth");
        SyntheticDataset.Write(folder, Small);
        string[] Lines(string name) => File.ReadAllLines(Path.Combine(folder, name));
        var all = Lines("all.txt");
        var train = Lines("train.txt");
        var test = Lines("test.txt");
        Assert.Equal(4, all.Length);
        Assert.Single(test); // round(4 * 0.25)
        Assert.Equal(all.OrderBy(l => l), train.Concat(test).OrderBy(l => l));
        foreach (var line in all)
        {
            var parts = line.Split(' ');
            Assert.Equal(2, parts.Length);
            Assert.True(File.Exists(Path.Combine(folder, parts[0])) && File.Exists(Path.Combine(folder, parts[1])), line);
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "dataset.json")));
        var root = json.RootElement;
        Assert.Equal("test.txt", root.GetProperty("split").GetString());
        Assert.Equal("npy", root.GetProperty("depth").GetProperty("encoding").GetString());
        Assert.Equal(48, root.GetProperty("depth").GetProperty("width").GetInt32());
        Assert.Equal(80.0, root.GetProperty("max_depth").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("mask_column").ValueKind);
    }

    [Fact]
    public void EvaluationOpensTheDatasetJsonAndSeesTheSameGroundTruth()
    {
        string folder = TestData.NewTempDir("synth");
        SyntheticDataset.Write(folder, Small);
        var dataset = BetterDepth.Evaluation.EvaluationDataset.Open(Path.Combine(folder, "dataset.json"), null);
        int testIndex = SyntheticDataset.TestScenes(Small.Seed, Small.Count, Small.TestFraction).Single();
        var sample = Assert.Single(dataset.Samples);
        var truth = sample.LoadGroundTruth();
        var rendered = SceneRenderer.Render(SyntheticDataset.SceneSeed(Small.Seed, testIndex), Small.Kind, Small.Width, Small.Height);
        Assert.Equal(rendered.Depth.Values, truth.Depth.Values);
        Assert.Equal(rendered.Valid, truth.Valid);
    }

    [Fact]
    public void TestSceneSelectionIsStableAndSized()
    {
        var first = SyntheticDataset.TestScenes(3, 100, 0.1);
        Assert.Equal(10, first.Count);
        Assert.Equal(first, SyntheticDataset.TestScenes(3, 100, 0.1));
        Assert.NotEqual(first, SyntheticDataset.TestScenes(4, 100, 0.1));
        Assert.Empty(SyntheticDataset.TestScenes(3, 100, 0));
        Assert.Single(SyntheticDataset.TestScenes(3, 2, 0.01));
    }

    [Fact]
    public void CancelledRunWritesNoSplitFiles()
    {
        string folder = TestData.NewTempDir("synth");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticDataset.Write(folder, Small, null, cancel.Token));
        Assert.False(File.Exists(Path.Combine(folder, "all.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "dataset.json")));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(0, 48, 32, 0.1)]
    [InlineData(4, 4, 32, 0.1)]
    [InlineData(4, 48, 32, 1.0)]
    [InlineData(4, 48, 32, double.NaN)]
    public void RejectsBadOptions(int count, int width, int height, double fraction)
    {
        var options = Small with { Count = count, Width = width, Height = height, TestFraction = fraction };
        Assert.ThrowsAny<ArgumentException>(() => SyntheticDataset.Write(TestData.NewTempDir("synth"), options));
    }
}
