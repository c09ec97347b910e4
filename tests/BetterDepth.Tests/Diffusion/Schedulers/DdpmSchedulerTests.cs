using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class DdpmSchedulerTests
{
    [Fact]
    public void AddNoiseAndVelocityUseEachSamplesOwnTimestep()
    {
        var scheduler = new DdpmScheduler(SchedulerConfig.MarigoldV1_1);
        var g = new Generator(21);
        using var x0 = randn([3, 4, 5, 6], dtype: ScalarType.Float64, generator: g);
        using var noise = randn([3, 4, 5, 6], dtype: ScalarType.Float64, generator: g);
        using var t = tensor(new long[] { 0, 500, 999 });
        using var xt = scheduler.AddNoise(x0, noise, t);
        using var v = scheduler.GetVelocity(x0, noise, t);
        for (int i = 0; i < 3; i++)
        {
            double abar = scheduler.Schedule.AlphasCumprod[(int)t[i].item<long>()];
            Assert.True(xt[i].allclose(x0[i].Times(Math.Sqrt(abar)).Plus(noise[i].Times(Math.Sqrt(1 - abar))), rtol: 0, atol: 1e-12));
            Assert.True(v[i].allclose(noise[i].Times(Math.Sqrt(abar)) - x0[i].Times(Math.Sqrt(1 - abar)), rtol: 0, atol: 1e-12));
        }
        Assert.True(xt[2].allclose(noise[2], rtol: 0, atol: 0)); // zero SNR: the last timestep is pure noise
    }

    [Fact]
    public void RejectsMismatchedInputs()
    {
        var scheduler = new DdpmScheduler(SchedulerConfig.MarigoldV1_1);
        using var x0 = zeros(2, 4, 3, 3);
        Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x0, zeros(2, 4, 3, 2), tensor(new long[] { 1, 2 })));
        Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x0, x0, tensor(new long[] { 1 })));
        Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x0, x0, tensor(new float[] { 1, 2 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.AddNoise(x0, x0, tensor(new long[] { 1, 1000 })));
    }

    [Fact]
    public void SampledTimestepsAreSeededAndCoverTheRange()
    {
        var scheduler = new DdpmScheduler(SchedulerConfig.MarigoldV1_1);
        using var a = scheduler.SampleTimesteps(4000, new Generator(5));
        using var b = scheduler.SampleTimesteps(4000, new Generator(5));
        Assert.Equal(ScalarType.Int64, a.dtype);
        Assert.True((a == b).all().item<bool>());
        Assert.Equal(0, a.min().item<long>());
        Assert.Equal(999, a.max().item<long>());
        Assert.InRange(a.to_type(ScalarType.Float64).mean().item<double>(), 480, 520);
    }

    [Theory]
    [InlineData(PredictionType.VPrediction)]
    [InlineData(PredictionType.Epsilon)]
    public void AncestralSamplingWithOracleEndsExactlyAtX0(PredictionType type)
    {
        // With the true x0 the last step (to abar_prev = 1, posterior variance 0) returns the posterior mean, x0 itself.
        var config = SchedulerConfig.StableDiffusion2 with { PredictionType = type, TimestepSpacing = TimestepSpacing.Trailing };
        var scheduler = new DdpmScheduler(config);
        scheduler.SetTimesteps(20);
        var g = new Generator(9);
        using var x0 = randn([1, 4, 4, 4], dtype: ScalarType.Float64, generator: g);
        var oracle = new OracleDenoiser(x0, scheduler.Schedule, type);
        var x = randn([1, 4, 4, 4], dtype: ScalarType.Float64, generator: g);
        foreach (var t in scheduler.Timesteps)
        {
            using var output = oracle.Predict(x, t);
            x = scheduler.Step(output, t, x, g).PrevSample;
        }
        Assert.Equal(49L, scheduler.Timesteps[^1]); // 49 - 1000 // 20 < 0: the last step targets abar = 1
        Assert.True(x.allclose(x0, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void OneStepHasThePosteriorVariance()
    {
        var scheduler = new DdpmScheduler(SchedulerConfig.StableDiffusion2);
        var s = scheduler.Schedule;
        const int t = 600;
        using var x0 = zeros(1, 1, 200, 200, dtype: ScalarType.Float64);
        using var xt = zeros(1, 1, 200, 200, dtype: ScalarType.Float64);
        var oracle = new OracleDenoiser(x0, s, PredictionType.VPrediction);
        using var v = oracle.Predict(xt, t);
        using var step = scheduler.Step(v, t, xt, new Generator(3));
        double expected = (1 - s.AlphasCumprod[t - 1]) / (1 - s.AlphasCumprod[t]) * s.Betas[t];
        Assert.InRange(step.PrevSample.var().item<double>(), expected * 0.95, expected * 1.05);
    }
}
