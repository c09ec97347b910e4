using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// DDIM sampling (Song et al. 2021, eq. 12 and 16), the sampler of Marigold and BetterDepth.
/// Call <see cref="SetTimesteps"/>, start from x_T ~ N(0, I), and call <see cref="Step"/> for each
/// timestep in <see cref="Timesteps"/> with the network output at that step.
/// </summary>
public sealed class DdimScheduler
{
    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    /// <summary>abar used after the last step: 1 (fully denoised) or abar_0 (diffusers' set_alpha_to_one = false).</summary>
    public double FinalAlphaCumprod { get; }
    public IReadOnlyList<long> Timesteps { get; private set; } = [];
    public int NumInferenceSteps { get; private set; }

    public DdimScheduler(SchedulerConfig config)
    {
        Config = config;
        Schedule = new NoiseSchedule(config);
        FinalAlphaCumprod = config.SetAlphaToOne ? 1.0 : Schedule.AlphasCumprod[0];
    }

    public void SetTimesteps(int steps)
    {
        Timesteps = InferenceTimesteps.Compute(Config, steps);
        NumInferenceSteps = steps;
    }

    /// <summary>
    /// diffusers' previous timestep, t - T // n, for every spacing (for trailing spacing with n not dividing T
    /// this can differ by one from the next entry of <see cref="Timesteps"/>; we keep diffusers' choice so
    /// results match checkpoints sampled with diffusers).
    /// </summary>
    public long PreviousTimestep(long t) => t - Config.NumTrainTimesteps / NumInferenceSteps;

    /// <summary>
    /// x_{t-1} = sqrt(abar_prev) x0^ + sqrt(1 - abar_prev - sigma^2) eps^ + sigma z, with
    /// sigma = eta sqrt((1 - abar_prev) / (1 - abar_t)) sqrt(1 - abar_t / abar_prev). eta = 0 is deterministic DDIM.
    /// </summary>
    public SchedulerStep Step(Tensor modelOutput, long timestep, Tensor sample, double eta = 0, Generator? generator = null)
    {
        if (NumInferenceSteps == 0) throw new InvalidOperationException("call SetTimesteps before Step");
        if (timestep < 0 || timestep >= Config.NumTrainTimesteps) throw new ArgumentOutOfRangeException(nameof(timestep), $"timestep {timestep} is outside 0..{Config.NumTrainTimesteps - 1}");
        if (!(eta >= 0) || double.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), $"eta must be >= 0 and finite, got {eta}");
        ShapeChecks.RequireSameShape(modelOutput, sample, nameof(modelOutput), nameof(sample));

        using var scope = NewDisposeScope();
        double abarT = Schedule.AlphasCumprod[(int)timestep];
        double abarPrev = Schedule.AlphaCumprodAt(PreviousTimestep(timestep), FinalAlphaCumprod);

        var (x0, eps) = PredictionConversions.ToOriginalAndEpsilon(modelOutput, sample, abarT, Config.PredictionType);
        if (Config.ClipSample) x0 = x0.Clamped(-Config.ClipSampleRange, Config.ClipSampleRange);

        double variance = (1 - abarPrev) / (1 - abarT) * (1 - abarT / abarPrev);
        double sigma = eta * Math.Sqrt(Math.Max(variance, 0));
        // Direction pointing to x_t; clamp guards the rounding when sigma^2 ~ 1 - abar_prev (eta = 1 at the last step).
        double directionWeight = Math.Sqrt(Math.Max(1 - abarPrev - sigma * sigma, 0));
        var prev = x0.Times(Math.Sqrt(abarPrev)).Plus(eps.Times(directionWeight));
        if (sigma > 0)
        {
            using var z = randn(sample.shape, dtype: sample.dtype, device: sample.device, generator: generator);
            prev = prev.Plus(z.Times(sigma));
        }
        return new SchedulerStep(prev.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }
}
