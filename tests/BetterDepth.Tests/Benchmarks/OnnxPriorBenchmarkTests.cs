using BetterDepth.Benchmarks;
using BetterDepth.Priors.Learned;

namespace BetterDepth.Tests.Benchmarks;

public sealed class OnnxPriorBenchmarkTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("bench-onnx");

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Without_a_model_the_shipped_learned_prior_is_exported_into_scratch_and_timed()
    {
        var r = OnnxPriorBenchmark.MeasureShippedLearnedPrior(dir, imageSize: 64, intraOpThreads: 1, minSeconds: 0);

        Assert.Equal("prior-cnn.onnx", r.Model);
        Assert.Equal("betterdepth-cnn", r.Preset);
        Assert.Contains(LearnedPrior.DefaultWeights, r.Source);
        Assert.Contains("256x192", r.Source); // the shipped working size
        Assert.True(File.Exists(Path.Combine(dir, "onnx", "prior-cnn.onnx")));
        Assert.InRange(r.Runs, 3, 20);
        Assert.True(r.BestSeconds > 0 && r.MedianSeconds >= r.BestSeconds);
    }

    [Fact]
    public void A_given_model_is_timed_under_its_own_name()
    {
        var exported = OnnxPriorBenchmark.MeasureShippedLearnedPrior(dir, 32, 1, 0);
        var copy = Path.Combine(dir, "mine.onnx");
        File.Copy(Path.Combine(dir, "onnx", exported.Model), copy);

        var r = OnnxPriorBenchmark.Measure(copy, 32, 1, 0);

        Assert.Equal(("mine.onnx", $"--prior {copy}"), (r.Model, r.Source));
    }
}
