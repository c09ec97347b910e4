using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class DdimSchedulerTests
{
    static (Tensor X0, Tensor Noise) Latents(int seed)
    {
        var g = new Generator((ulong)seed);
        return (randn([2, 4, 6, 5], dtype: ScalarType.Float64, generator: g), randn([2, 4, 6, 5], dtype: ScalarType.Float64, generator: g));
    }

    static (Tensor Final, List<Tensor> PredictedOriginals) Sample(DdimScheduler scheduler, Tensor x0, Tensor xT, int steps)
    {
        var oracle = new OracleDenoiser(x0, scheduler.Schedule, scheduler.Config.PredictionType);
        scheduler.SetTimesteps(steps);
        var x = xT;
        var predicted = new List<Tensor>();
        foreach (var t in scheduler.Timesteps)
        {
            using var output = oracle.Predict(x, t);
            var step = scheduler.Step(output, t, x);
            x = step.PrevSample;
            predicted.Add(step.PredictedOriginal);
        }
        return (x, predicted);
    }

    static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().to_type(ScalarType.Float64).item<double>();

    [Theory]
    [InlineData(TimestepSpacing.Leading, PredictionType.VPrediction)]
    [InlineData(TimestepSpacing.Trailing, PredictionType.VPrediction)]
    [InlineData(TimestepSpacing.Linspace, PredictionType.VPrediction)]
    [InlineData(TimestepSpacing.Leading, PredictionType.Epsilon)]
    [InlineData(TimestepSpacing.Trailing, PredictionType.Epsilon)]
    [InlineData(TimestepSpacing.Trailing, PredictionType.Sample)]
    public void OracleModelRecoversKnownLatentIn1_2_50Steps(TimestepSpacing spacing, PredictionType type)
    {
        var config = SchedulerConfig.StableDiffusion2 with { TimestepSpacing = spacing, PredictionType = type, SetAlphaToOne = true };
        var (x0, xT) = Latents(1);
        foreach (var steps in new[] { 1, 2, 50 })
        {
            var (final, predicted) = Sample(new DdimScheduler(config), x0, xT, steps);
            Assert.True(MaxAbs(final, x0) < 1e-9, $"{steps} steps: max error {MaxAbs(final, x0)}");
            Assert.All(predicted, p => Assert.True(MaxAbs(p, x0) < 1e-9));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(50)]
    public void ZeroSnrTrailingStartsFromPureNoiseAndVPredictionRecoversLatent(int steps)
    {
        var config = SchedulerConfig.MarigoldV1_1 with { SetAlphaToOne = true };
        var scheduler = new DdimScheduler(config);
        scheduler.SetTimesteps(steps);
        Assert.Equal(999, scheduler.Timesteps[0]);
        Assert.Equal(0.0, scheduler.Schedule.AlphasCumprod[999]);

        var (x0, xT) = Latents(2);
        var (final, predicted) = Sample(scheduler, x0, xT, steps);
        Assert.True(MaxAbs(final, x0) < 1e-9, $"max error {MaxAbs(final, x0)}");
        Assert.True(MaxAbs(predicted[0], x0) < 1e-12); // at abar = 0, x0 = -v exactly
    }

    [Fact]
    public void EpsilonPredictionIsRejectedAtZeroSnr()
    {
        var scheduler = new DdimScheduler(SchedulerConfig.MarigoldV1_1 with { PredictionType = PredictionType.Epsilon });
        scheduler.SetTimesteps(2);
        var (_, xT) = Latents(3);
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(xT, scheduler.Timesteps[0], xT));
    }

    [Fact]
    public void FinalAlphaIsAbarZeroWithoutSetAlphaToOne()
    {
        // Stable Diffusion / Marigold: the chain ends at abar_0, i.e. x0 plus a trace of the trajectory's noise.
        var scheduler = new DdimScheduler(SchedulerConfig.MarigoldV1_0);
        var (x0, xT) = Latents(4);
        var (final, predicted) = Sample(scheduler, x0, xT, 10);
        double abarT = scheduler.Schedule.AlphasCumprod[(int)scheduler.Timesteps[0]], abar0 = scheduler.Schedule.AlphasCumprod[0];
        using var eps = (xT - x0.Times(Math.Sqrt(abarT))).Over(Math.Sqrt(1 - abarT));
        using var expected = x0.Times(Math.Sqrt(abar0)).Plus(eps.Times(Math.Sqrt(1 - abar0)));
        Assert.Equal(abar0, scheduler.FinalAlphaCumprod);
        Assert.True(MaxAbs(final, expected) < 1e-9);
        Assert.True(MaxAbs(final, x0) > 1e-3); // not the same thing as x0
        Assert.True(MaxAbs(predicted[^1], x0) < 1e-9);
    }

    [Fact]
    public void Float32OnTheDefaultDeviceRecoversToSinglePrecision()
    {
        var scheduler = new DdimScheduler(SchedulerConfig.MarigoldV1_1 with { SetAlphaToOne = true });
        var (x0d, xTd) = Latents(5);
        using var x0 = x0d.to_type(ScalarType.Float32);
        using var xT = xTd.to_type(ScalarType.Float32);
        var (final, _) = Sample(scheduler, x0, xT, 50);
        Assert.Equal(ScalarType.Float32, final.dtype);
        Assert.True(MaxAbs(final, x0) < 1e-4, $"max error {MaxAbs(final, x0)}");
    }

    [Fact]
    public void StochasticStepIsSeededAndEtaZeroIsDeterministic()
    {
        var scheduler = new DdimScheduler(SchedulerConfig.MarigoldV1_1);
        scheduler.SetTimesteps(4);
        var (x0, xT) = Latents(6);
        var oracle = new OracleDenoiser(x0, scheduler.Schedule, PredictionType.VPrediction);
        var t = scheduler.Timesteps[1];
        using var x = PredictionConversions.NoisySample(x0, xT, scheduler.Schedule.AlphasCumprod[(int)t]);
        using var v = oracle.Predict(x, t);
        using var a = scheduler.Step(v, t, x, eta: 1, generator: new Generator(7));
        using var b = scheduler.Step(v, t, x, eta: 1, generator: new Generator(7));
        using var c = scheduler.Step(v, t, x, eta: 0);
        Assert.Equal(0, MaxAbs(a.PrevSample, b.PrevSample));
        Assert.True(MaxAbs(a.PrevSample, c.PrevSample) > 1e-3);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(v, t, x, eta: double.NaN));
        Assert.Throws<ArgumentException>(() => scheduler.Step(v[0], t, x));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(v, 1000, x));
    }

    [Fact]
    public void StepBeforeSetTimestepsIsAnError()
    {
        var scheduler = new DdimScheduler(SchedulerConfig.MarigoldV1_1);
        var (x0, _) = Latents(8);
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(x0, 999, x0));
    }
}
