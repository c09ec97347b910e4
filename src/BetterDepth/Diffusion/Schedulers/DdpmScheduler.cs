using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// The DDPM forward process used in training (Ho et al. 2020): noising x0 to a random timestep and the
/// v-prediction target. Also the ancestral DDPM reverse step, for completeness and for checking DDIM.
/// </summary>
public sealed class DdpmScheduler
{
    public SchedulerConfig Config { get; }
    public NoiseSchedule Schedule { get; }
    public int NumInferenceSteps { get; private set; }
    public IReadOnlyList<long> Timesteps { get; private set; }

    public DdpmScheduler(SchedulerConfig config)
    {
        Config = config;
        Schedule = new NoiseSchedule(config);
        NumInferenceSteps = config.NumTrainTimesteps;
        Timesteps = Enumerable.Range(0, config.NumTrainTimesteps).Reverse().Select(t => (long)t).ToArray();
    }

    /// <summary>Samples with fewer steps than T (same spacing rules as DDIM); by default every timestep is visited.</summary>
    public void SetTimesteps(int steps)
    {
        Timesteps = InferenceTimesteps.Compute(Config, steps);
        NumInferenceSteps = steps;
    }

    /// <summary>t ~ U{0, ..., T-1} per sample (Marigold's torch.randint(0, T)), int64 on <paramref name="device"/>.</summary>
    public Tensor SampleTimesteps(int batch, Generator? generator = null, Device? device = null)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be at least 1, got {batch}");
        return randint(0, Config.NumTrainTimesteps, [batch], dtype: ScalarType.Int64, device: device, generator: generator);
    }

    /// <summary>x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, with one timestep per batch element.</summary>
    public Tensor AddNoise(Tensor x0, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (signal, noiseLevel) = Coefficients(x0, noise, timesteps);
        return (signal * x0).Plus(noiseLevel * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The v-prediction target v = sqrt(abar_t) eps - sqrt(1 - abar_t) x0.</summary>
    public Tensor GetVelocity(Tensor x0, Tensor noise, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var (signal, noiseLevel) = Coefficients(x0, noise, timesteps);
        return (signal * noise - noiseLevel * x0).MoveToOuterDisposeScope();
    }

    /// <summary>sqrt(abar_t) and sqrt(1 - abar_t) per batch element, shaped [B, 1, 1, ...] to broadcast over x0.</summary>
    (Tensor Signal, Tensor Noise) Coefficients(Tensor x0, Tensor noise, Tensor timesteps)
    {
        ShapeChecks.RequireSameShape(noise, x0, nameof(noise), nameof(x0));
        if (timesteps.dim() != 1 || timesteps.shape[0] != x0.shape[0])
            throw new ArgumentException($"timesteps must be 1-D with one entry per batch element ({x0.shape[0]}), got shape [{string.Join(",", timesteps.shape)}]", nameof(timesteps));
        if (timesteps.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"timesteps must be an integer tensor, got {timesteps.dtype}", nameof(timesteps));
        long lo = timesteps.min().item<long>(), hi = timesteps.max().item<long>();
        if (lo < 0 || hi >= Config.NumTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(timesteps), $"timesteps must be in 0..{Config.NumTrainTimesteps - 1}, got {lo}..{hi}");

        var abar = Schedule.AlphasCumprodTensor(x0.device, x0.dtype)[timesteps.to(x0.device).to_type(ScalarType.Int64)];
        var shape = new long[x0.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x0.shape[0];
        abar = abar.reshape(shape);
        return (abar.sqrt(), abar.SubtractedFrom(1).sqrt());
    }

    /// <summary>
    /// Ancestral step: x_{t-1} = posterior mean mu~(x_t, x0^) + sqrt(beta~_t) z with
    /// mu~ = sqrt(abar_prev) beta_t / (1 - abar_t) x0^ + sqrt(alpha_t) (1 - abar_prev) / (1 - abar_t) x_t and
    /// beta~_t = (1 - abar_prev) / (1 - abar_t) beta_t ("fixed_small"), where alpha_t = abar_t / abar_prev.
    /// No noise is added at t = 0.
    /// </summary>
    public SchedulerStep Step(Tensor modelOutput, long timestep, Tensor sample, Generator? generator = null)
    {
        if (timestep < 0 || timestep >= Config.NumTrainTimesteps) throw new ArgumentOutOfRangeException(nameof(timestep), $"timestep {timestep} is outside 0..{Config.NumTrainTimesteps - 1}");
        ShapeChecks.RequireSameShape(modelOutput, sample, nameof(modelOutput), nameof(sample));

        using var scope = NewDisposeScope();
        long prevT = timestep - Config.NumTrainTimesteps / NumInferenceSteps;
        double abarT = Schedule.AlphasCumprod[(int)timestep];
        double abarPrev = Schedule.AlphaCumprodAt(prevT, 1.0);
        double alphaT = abarT / abarPrev, betaT = 1 - alphaT;

        var x0 = Config.PredictionType switch
        {
            PredictionType.Epsilon => PredictionConversions.OriginalFromEpsilon(sample, modelOutput, abarT),
            PredictionType.VPrediction => PredictionConversions.OriginalFromVelocity(sample, modelOutput, abarT),
            PredictionType.Sample => modelOutput.alias(),
            _ => throw new InvalidOperationException($"unknown prediction type {Config.PredictionType}"),
        };
        if (Config.ClipSample) x0 = x0.Clamped(-Config.ClipSampleRange, Config.ClipSampleRange);

        var mean = x0.Times(Math.Sqrt(abarPrev) * betaT / (1 - abarT)).Plus(sample.Times(Math.Sqrt(alphaT) * (1 - abarPrev) / (1 - abarT)));
        if (timestep > 0)
        {
            double variance = Math.Max((1 - abarPrev) / (1 - abarT) * betaT, 1e-20);
            using var z = randn(sample.shape, dtype: sample.dtype, device: sample.device, generator: generator);
            mean = mean.Plus(z.Times(Math.Sqrt(variance)));
        }
        return new SchedulerStep(mean.MoveToOuterDisposeScope(), x0.MoveToOuterDisposeScope());
    }
}
