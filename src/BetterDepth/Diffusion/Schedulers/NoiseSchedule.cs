using static TorchSharp.torch;
namespace BetterDepth.Diffusion;

/// <summary>
/// The forward-process noise levels: betas, alphas = 1 - betas, and abar_t = prod_{s &lt;= t} alphas_s
/// for t = 0..T-1. Computed in double on the host (diffusers uses float32; the difference is ~1e-7),
/// because the samplers look up a handful of scalars per step.
/// </summary>
public sealed class NoiseSchedule
{
    public int NumTrainTimesteps { get; }
    public IReadOnlyList<double> Betas { get; }
    public IReadOnlyList<double> Alphas { get; }
    /// <summary>abar_t: the signal share of x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps.</summary>
    public IReadOnlyList<double> AlphasCumprod { get; }

    public NoiseSchedule(SchedulerConfig config)
    {
        config.Validate();
        NumTrainTimesteps = config.NumTrainTimesteps;
        var betas = config.BetaSchedule switch
        {
            BetaSchedule.Linear => Linspace(config.BetaStart, config.BetaEnd, config.NumTrainTimesteps),
            // Latent diffusion's schedule: linear in sqrt(beta).
            BetaSchedule.ScaledLinear => Linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), config.NumTrainTimesteps)
                .Select(b => b * b).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(config), $"unknown beta schedule {config.BetaSchedule}"),
        };
        if (config.RescaleBetasZeroSnr) betas = RescaleZeroTerminalSnr(betas);

        var alphas = betas.Select(b => 1 - b).ToArray();
        var cumprod = new double[alphas.Length];
        double running = 1;
        for (int t = 0; t < alphas.Length; t++) cumprod[t] = running *= alphas[t];

        Betas = betas;
        Alphas = alphas;
        AlphasCumprod = cumprod;
    }

    /// <summary>abar_t, or <paramref name="beforeFirst"/> for t &lt; 0 (the step after the last denoising step).</summary>
    public double AlphaCumprodAt(long t, double beforeFirst)
    {
        if (t >= NumTrainTimesteps) throw new ArgumentOutOfRangeException(nameof(t), $"timestep {t} is outside 0..{NumTrainTimesteps - 1}");
        return t < 0 ? beforeFirst : AlphasCumprod[(int)t];
    }

    /// <summary>abar as a 1-D tensor for batched lookups (AddNoise with a timestep per sample).</summary>
    public Tensor AlphasCumprodTensor(Device device, ScalarType dtype = ScalarType.Float32) =>
        tensor(AlphasCumprod.ToArray(), dtype: dtype, device: device);

    /// <summary>
    /// Lin et al. 2023, Algorithm 1: shift sqrt(abar) so its last value is 0, scale it so its first value is
    /// unchanged, then turn it back into betas. The last beta becomes 1: x_T is pure noise, as at sampling time.
    /// </summary>
    public static double[] RescaleZeroTerminalSnr(IReadOnlyList<double> betas)
    {
        int n = betas.Count;
        var sqrtAbar = new double[n];
        double running = 1;
        for (int t = 0; t < n; t++) sqrtAbar[t] = Math.Sqrt(running *= 1 - betas[t]);

        double first = sqrtAbar[0], last = sqrtAbar[n - 1];
        if (!(first > last)) throw new ArgumentException("zero-SNR rescaling needs abar to decrease over the schedule", nameof(betas));
        for (int t = 0; t < n; t++) sqrtAbar[t] = (sqrtAbar[t] - last) * first / (first - last);

        var rescaled = new double[n];
        rescaled[0] = 1 - sqrtAbar[0] * sqrtAbar[0];
        for (int t = 1; t < n; t++)
        {
            double abar = sqrtAbar[t] * sqrtAbar[t], abarPrev = sqrtAbar[t - 1] * sqrtAbar[t - 1];
            rescaled[t] = 1 - abar / abarPrev;
        }
        return rescaled;
    }

    static double[] Linspace(double start, double end, int count)
    {
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = count == 1 ? start : start + (end - start) * i / (count - 1);
        return v;
    }
}
