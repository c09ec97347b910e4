using BetterDepth.Training;

namespace BetterDepth.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysExponentiallyToTheFinalRatio()
    {
        var s = new LearningRateSchedule(Peak: 1e-3, WarmupSteps: 4, TotalSteps: 14, FinalRatio: 0.01);
        Assert.Equal(0.25e-3, s.At(0), 12);
        Assert.Equal(0.50e-3, s.At(1), 12);
        Assert.Equal(1e-3, s.At(3), 12);
        Assert.Equal(1e-3, s.At(4), 12);     // first step after warm-up is the peak
        Assert.Equal(1e-5, s.At(13), 12);    // last step is peak x final ratio
        // Exponential: equal steps multiply by the same factor (0.01^(1/9) per step here).
        double factor = Math.Pow(0.01, 1.0 / 9);
        for (int step = 5; step <= 13; step++) Assert.Equal(factor, s.At(step) / s.At(step - 1), 9);
        Assert.Equal(1e-5, s.At(100), 12);   // beyond the end it stays at the floor
    }

    [Fact]
    public void WithoutWarmUpStartsAtThePeak()
    {
        var s = new LearningRateSchedule(2e-4, 0, 3, 0.5);
        Assert.Equal(2e-4, s.At(0), 12);
        Assert.Equal(1e-4, s.At(2), 12);
    }

    [Fact]
    public void IterationSeedsDifferAcrossIterationsMicroBatchesAndRunSeeds()
    {
        var seen = new HashSet<ulong>();
        for (int seed = 0; seed < 3; seed++)
            for (int it = 0; it < 500; it++)
                for (int micro = 0; micro < 4; micro++)
                    Assert.True(seen.Add(RefinerTrainer.IterationSeed(seed, it, micro)), $"seed collision at ({seed}, {it}, {micro})");
        Assert.Equal(RefinerTrainer.IterationSeed(3, 17, 1), RefinerTrainer.IterationSeed(3, 17, 1));
        // Usable as a torch seed and for System.Random without overflow: the top bit is clear.
        Assert.All(seen, s => Assert.True(s < 1UL << 63));
    }
}

public class RegressionTargetTests
{
    [Theory]
    [InlineData(BetterDepth.Diffusion.PredictionType.Sample)]
    [InlineData(BetterDepth.Diffusion.PredictionType.Epsilon)]
    [InlineData(BetterDepth.Diffusion.PredictionType.VPrediction)]
    public void TheTrainerRegressesWhatTheSchedulerExpectsTheModelToPredict(BetterDepth.Diffusion.PredictionType type)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var ddpm = new BetterDepth.Diffusion.DdpmScheduler(BetterDepth.Diffusion.SchedulerConfig.StableDiffusion2 with { PredictionType = type });
        var x0 = TorchSharp.torch.randn([2, 4, 3, 3], generator: new TorchSharp.torch.Generator(1));
        var noise = TorchSharp.torch.randn([2, 4, 3, 3], generator: new TorchSharp.torch.Generator(2));
        var t = TorchSharp.torch.tensor(new long[] { 10, 700 });
        var target = BetterDepth.Training.RefinerTrainer.RegressionTarget(ddpm, x0, noise, t);
        // Whatever the parameterisation, the scheduler must turn a perfect prediction back into x0.
        var xt = ddpm.AddNoise(x0, noise, t);
        for (int b = 0; b < 2; b++)
        {
            double abar = ddpm.Schedule.AlphasCumprod[b == 0 ? 10 : 700];
            var (recovered, _) = BetterDepth.Diffusion.PredictionConversions.ToOriginalAndEpsilon(target[b], xt[b], abar, type);
            Assert.True(TorchSharp.torch.allclose(recovered, x0[b], rtol: 1e-4, atol: 1e-4), $"{type}: sample {b} not recovered");
        }
    }
}
