using BetterDepth.Diffusion;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class NoiseScheduleTests
{
    [Fact]
    public void ScaledLinearBetasRunFromBetaStartToBetaEndLinearInSqrt()
    {
        var s = new NoiseSchedule(SchedulerConfig.StableDiffusion2);
        Assert.Equal(1000, s.Betas.Count);
        Assert.Equal(0.00085, s.Betas[0], 15);
        Assert.Equal(0.012, s.Betas[999], 15);
        double mid = (Math.Sqrt(0.00085) + (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * 500 / 999);
        Assert.Equal(mid * mid, s.Betas[500], 15);
        // Stable Diffusion's well-known terminal abar (SNR is small but not zero).
        Assert.InRange(s.AlphasCumprod[999], 0.0046, 0.0047);
        Assert.Equal(1 - 0.00085, s.AlphasCumprod[0], 15);
    }

    [Fact]
    public void LinearBetas()
    {
        var s = new NoiseSchedule(new SchedulerConfig { BetaSchedule = BetaSchedule.Linear, BetaStart = 1e-4, BetaEnd = 0.02 });
        Assert.Equal(1e-4, s.Betas[0], 15);
        Assert.Equal(0.02, s.Betas[999], 15);
        Assert.Equal(1e-4 + (0.02 - 1e-4) * 10 / 999, s.Betas[10], 15);
        Assert.True(s.AlphasCumprod.Zip(s.AlphasCumprod.Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void ZeroSnrRescaleZeroesLastAbarAndKeepsFirst()
    {
        var plain = new NoiseSchedule(SchedulerConfig.MarigoldV1_0);
        var zero = new NoiseSchedule(SchedulerConfig.MarigoldV1_1);
        Assert.Equal(0.0, zero.AlphasCumprod[999]);
        Assert.Equal(1.0, zero.Betas[999], 12);
        Assert.Equal(plain.AlphasCumprod[0], zero.AlphasCumprod[0], 12);
        // sqrt(abar) is an affine map of the original: check it at a middle timestep.
        double a0 = Math.Sqrt(plain.AlphasCumprod[0]), aT = Math.Sqrt(plain.AlphasCumprod[999]);
        double expected = (Math.Sqrt(plain.AlphasCumprod[400]) - aT) * a0 / (a0 - aT);
        Assert.Equal(expected, Math.Sqrt(zero.AlphasCumprod[400]), 12);
        Assert.Equal(0.0, zero.AlphaCumprodAt(999, 1.0));
        Assert.Equal(1.0, zero.AlphaCumprodAt(-1, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => zero.AlphaCumprodAt(1000, 1.0));
    }

    [Fact]
    public void TensorViewMatchesHostValues()
    {
        var s = new NoiseSchedule(SchedulerConfig.MarigoldV1_1);
        using var t = s.AlphasCumprodTensor(TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float64);
        Assert.Equal(s.AlphasCumprod.ToArray(), t.data<double>().ToArray());
    }
}
