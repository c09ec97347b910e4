using BetterDepth.Priors;
using BetterDepth.Priors.Onnx;
using static BetterDepth.Priors.Onnx.OnnxGraphWriter;

namespace BetterDepth.Tests.Priors;

public class PriorRegistryTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("priors-registry");

    public void Dispose() => Directory.Delete(dir, true);

    string Model(string name) => TestData.Save(dir, name, OnnxGraphWriter.Model(
        [new Node("ReduceMean", ["x"], ["y"], new Attr("axes", Ints: [1]), new Attr("keepdims", Int: 1))],
        [new Value("x", 1, 3, "H", "W")], [new Value("y", 1, 1, "H", "W")]));

    [Fact]
    public void Named_presets_bare_models_and_folders_are_built()
    {
        var model = Model("m.onnx");
        using (var p = PriorRegistry.Create($"midas-small:{model}", new PriorOptions { Threads = 1 }))
            Assert.Equal("midas-small", Assert.IsType<OnnxDepthPrior>(p).Preset.Name);
        var named = Model("dpt_hybrid_384.onnx");
        using (var p = PriorRegistry.Create(named, new PriorOptions { Threads = 1 }))
            Assert.Equal("dpt-hybrid", Assert.IsType<OnnxDepthPrior>(p).Preset.Name);
        using (var p = PriorRegistry.Create($"file:{dir}"))
            Assert.IsType<FilePrior>(p);
        using (var p = PriorRegistry.Create(dir))
            Assert.IsType<FilePrior>(p);
    }

    [Fact]
    public void A_cache_folder_wraps_the_prior()
    {
        using var p = PriorRegistry.Create($"dpt-large:{Model("m.onnx")}", new PriorOptions { Threads = 1, CacheFolder = Path.Combine(dir, "cache") });
        Assert.IsType<OnnxDepthPrior>(Assert.IsType<CachedPrior>(p).Inner);
    }

    [Fact]
    public void Unknown_specs_list_the_names()
    {
        var e = Assert.Throws<ArgumentException>(() => PriorRegistry.Create("nonsense:thing"));
        Assert.Contains("depth-anything-v2", e.Message);
        Assert.Throws<FileNotFoundException>(() => PriorRegistry.Create("depth-anything-v2:" + Path.Combine(dir, "missing.onnx")));
    }

    [Fact]
    public void The_degraded_prior_reads_the_ground_truth_it_is_given_and_needs_one()
    {
        var e = Assert.Throws<ArgumentException>(() => PriorRegistry.Create("degraded:3"));
        Assert.Contains("ground truth", e.Message);
        var depth = new BetterDepth.Imaging.DepthMap(8, 6, BetterDepth.Imaging.DepthKind.Depth, Enumerable.Range(0, 48).Select(i => 1f + i % 8).ToArray());
        var asked = new List<string>();
        using var prior = PriorRegistry.Create("degraded:3", new PriorOptions { GroundTruth = key => { asked.Add(key); return (depth, Enumerable.Repeat(true, 48).ToArray()); } });
        var prediction = prior.Predict(new BetterDepth.Imaging.RgbImage(8, 6), "a/b.png");
        Assert.Equal(["a/b.png"], asked);
        Assert.Equal((8, 6), (prediction.Width, prediction.Height));
        Assert.Throws<ArgumentException>(() => PriorRegistry.Create("degraded:x", new PriorOptions { GroundTruth = _ => (depth, new bool[48]) }));
    }
}
