using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion.Schedulers;

/// <summary>A perfect network for a known x0: returns the exact eps, v or x0 that explains the current sample.</summary>
sealed class OracleDenoiser(Tensor x0, NoiseSchedule schedule, PredictionType type)
{
    public Tensor Predict(Tensor sample, long t)
    {
        double abar = schedule.AlphasCumprod[(int)t];
        return type switch
        {
            // eps = (x_t - sqrt(abar) x0) / sqrt(1 - abar)
            PredictionType.Epsilon => (sample - x0.Times(Math.Sqrt(abar))).Over(Math.Sqrt(1 - abar)),
            // v = (sqrt(abar) x_t - x0) / sqrt(1 - abar), finite at abar = 0 where it is -x0
            PredictionType.VPrediction => (sample.Times(Math.Sqrt(abar)) - x0).Over(Math.Sqrt(1 - abar)),
            PredictionType.Sample => x0.clone(),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }
}
