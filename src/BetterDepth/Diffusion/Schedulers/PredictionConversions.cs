using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// The three parametrisations of one noisy sample x_t = sqrt(abar) x0 + sqrt(1 - abar) eps, and
/// v = sqrt(abar) eps - sqrt(1 - abar) x0 (Salimans &amp; Ho 2022). Given x_t and any one of x0, eps, v,
/// the other two follow. Dividing by sqrt(abar) or sqrt(1 - abar) fails at the ends of the schedule:
/// at zero SNR (abar = 0) x0 cannot be recovered from eps, which is why zero-SNR models predict v.
/// </summary>
internal static class PredictionConversions
{
    public static Tensor NoisySample(Tensor x0, Tensor eps, double abar) => x0.Times(Math.Sqrt(abar)).Plus(eps.Times(Math.Sqrt(1 - abar)));

    public static Tensor Velocity(Tensor x0, Tensor eps, double abar) => eps.Times(Math.Sqrt(abar)) - x0.Times(Math.Sqrt(1 - abar));

    /// <summary>x0 = sqrt(abar) x_t - sqrt(1 - abar) v (defined for every abar, including 0).</summary>
    public static Tensor OriginalFromVelocity(Tensor sample, Tensor v, double abar) => sample.Times(Math.Sqrt(abar)) - v.Times(Math.Sqrt(1 - abar));

    /// <summary>eps = sqrt(1 - abar) x_t + sqrt(abar) v.</summary>
    public static Tensor EpsilonFromVelocity(Tensor sample, Tensor v, double abar) => sample.Times(Math.Sqrt(1 - abar)).Plus(v.Times(Math.Sqrt(abar)));

    /// <summary>x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar); undefined at abar = 0.</summary>
    public static Tensor OriginalFromEpsilon(Tensor sample, Tensor eps, double abar)
    {
        if (!(abar > 0)) throw new InvalidOperationException("x0 cannot be recovered from an epsilon prediction at zero SNR (abar_t = 0); zero-terminal-SNR schedules need v_prediction or sample prediction");
        return (sample - eps.Times(Math.Sqrt(1 - abar))).Over(Math.Sqrt(abar));
    }

    /// <summary>eps = (x_t - sqrt(abar) x0) / sqrt(1 - abar); undefined at abar = 1.</summary>
    public static Tensor EpsilonFromOriginal(Tensor sample, Tensor x0, double abar)
    {
        if (!(abar < 1)) throw new InvalidOperationException("eps cannot be recovered from x0 at abar_t = 1 (no noise)");
        return (sample - x0.Times(Math.Sqrt(abar))).Over(Math.Sqrt(1 - abar));
    }

    /// <summary>Turns a network output of the given kind into the (x0, eps) pair both samplers step with.</summary>
    public static (Tensor Original, Tensor Epsilon) ToOriginalAndEpsilon(Tensor modelOutput, Tensor sample, double abar, PredictionType type) => type switch
    {
        PredictionType.Epsilon => (OriginalFromEpsilon(sample, modelOutput, abar), modelOutput.alias()),
        PredictionType.VPrediction => (OriginalFromVelocity(sample, modelOutput, abar), EpsilonFromVelocity(sample, modelOutput, abar)),
        PredictionType.Sample => (modelOutput.alias(), EpsilonFromOriginal(sample, modelOutput, abar)),
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"unknown prediction type {type}"),
    };
}
