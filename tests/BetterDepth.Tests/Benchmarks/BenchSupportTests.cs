using BetterDepth.Benchmarks;

namespace BetterDepth.Tests.Benchmarks;

public class BenchSupportTests
{
    [Fact]
    public void Process_memory_reads_positive_resident_and_peak_sizes()
    {
        if (!ProcessMemory.Available) return;
        long current = ProcessMemory.CurrentBytes(), peak = ProcessMemory.PeakBytes();
        Assert.True(current > 1 << 20);
        Assert.True(peak >= current);
    }

    [Fact]
    public void Memory_stability_runs_predict_over_many_images_and_samples_memory()
    {
        if (!ProcessMemory.Available) return;
        using var refiner = BenchmarkRunner.CreateRefiner("tiny", TorchSharp.torch.CPU);
        using var prior = new SmoothImagePrior();
        var dir = TestData.NewTempDir();
        var r = MemoryStability.Measure(refiner, prior, "tiny", 32, images: 50, steps: 1, dir, warmupImages: 2, sampleEvery: 10);
        Assert.Equal((50, 2), (r.Images, r.WarmupImages));
        Assert.True(r.RssAfterWarmupMiB > 1 && r.RssMaxMiB >= r.RssEndMiB && r.RssMaxMiB >= r.RssAfterWarmupMiB);
        Assert.True(double.IsFinite(r.RssSlopeMiBPer1000Images) && r.Seconds > 0);
        Assert.True(File.Exists(Path.Combine(dir, "stability.npy")) && File.Exists(Path.Combine(dir, "stability_prior_color.png")));
        Assert.Throws<ArgumentException>(() => MemoryStability.Measure(refiner, prior, "tiny", 32, images: 5, steps: 1, dir));
    }

    [Fact]
    public void Run_times_give_best_and_median()
    {
        var t = new RunTimes([0.3, 0.1, 0.2, 0.5]);
        Assert.Equal(0.1, t.Best);
        Assert.Equal(0.25, t.Median, 12);
    }

    [Fact]
    public void Smooth_prior_is_image_dependent_and_larger_towards_the_bottom()
    {
        var dark = new RgbImage(40, 30);
        var bright = new RgbImage(40, 30, Enumerable.Repeat((byte)255, 40 * 30 * 3).ToArray());
        using var prior = new SmoothImagePrior();
        var d = prior.Predict(dark);
        var b = prior.Predict(bright);
        Assert.Equal(DepthKind.AffineDisparity, d.Kind);
        Assert.True(d[5, 29] > d[5, 0]);
        Assert.True(b[5, 10] > d[5, 10]);
    }

    [Theory]
    [InlineData("tiny:512", "tiny", 512)]
    [InlineData("small:256", "small", 256)]
    public void Memory_probe_spec_parses(string spec, string config, int size) =>
        Assert.Equal((config, size), MemoryProbe.ParseSpec(spec));

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny:-4")]
    [InlineData("tiny:abc")]
    public void Bad_memory_probe_spec_is_rejected(string spec) =>
        Assert.Throws<ArgumentException>(() => MemoryProbe.ParseSpec(spec));
}
