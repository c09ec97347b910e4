using BetterDepth.Priors;
using BetterDepth.Training.Onnx;
using static BetterDepth.Training.Onnx.OnnxGraphWriter;

namespace BetterDepth.Tests.Priors;

public class PriorRegistryTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("priors-registry");

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>An ONNX prior whose disparity is the mean of the three channels.</summary>
    public static byte[] MeanOfChannels() => OnnxGraphWriter.Model(
        [new Node("ReduceMean", ["x"], ["y"], new Attr("axes", Ints: [1]), new Attr("keepdims", Int: 1))],
        [new Value("x", 1, 3, "H", "W")], [new Value("y", 1, 1, "H", "W")]);

    string Model(string name) => TestData.Save(dir, name, MeanOfChannels());

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
    public void The_degraded_prior_is_not_a_runtime_prior()
    {
        Assert.Contains("unknown prior", Assert.Throws<ArgumentException>(() => PriorRegistry.Create("degraded:3")).Message);
        Assert.DoesNotContain("degraded", PriorRegistry.Names);
    }
}
