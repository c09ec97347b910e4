namespace BetterDepth.Diffusion;

/// <summary>
/// Which of the T training timesteps a sampler visits, in descending order, computed exactly as diffusers'
/// DDIMScheduler.set_timesteps does (numpy rounding is half-to-even, as is Math.Round's default).
/// </summary>
internal static class InferenceTimesteps
{
    public static long[] Compute(SchedulerConfig config, int steps)
    {
        config.Validate();
        int T = config.NumTrainTimesteps;
        if (steps < 1 || steps > T) throw new ArgumentOutOfRangeException(nameof(steps), $"inference steps must be in 1..{T} (num_train_timesteps), got {steps}");

        var timesteps = new long[steps];
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Linspace:
            {
                // round(linspace(0, T-1, n)), reversed; numpy sets the endpoint exactly.
                double step = steps == 1 ? 0 : (T - 1.0) / (steps - 1);
                for (int i = 0; i < steps; i++)
                    timesteps[steps - 1 - i] = (long)Math.Round(i == steps - 1 && steps > 1 ? T - 1.0 : i * step);
                break;
            }
            case TimestepSpacing.Leading:
            {
                // Integer multiples of T // n from 0, shifted by steps_offset: 50 steps on 1000 -> 981, 961, ..., 1.
                int ratio = T / steps;
                for (int i = 0; i < steps; i++) timesteps[steps - 1 - i] = (long)i * ratio + config.StepsOffset;
                break;
            }
            case TimestepSpacing.Trailing:
            {
                // round(arange(T, 0, -T/n)) - 1: the first step is always T-1 (pure noise under zero SNR).
                // numpy's arange fills start + i * ((start - ratio) - start); we do the same arithmetic.
                // For some n (61, 103, ...) numpy's length rounding adds an n+1-th element (-1); we keep n.
                double ratio = (double)T / steps;
                double delta = (T - ratio) - T;
                for (int i = 0; i < steps; i++) timesteps[i] = (long)Math.Round(T + i * delta) - 1;
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(config), $"unknown timestep spacing {config.TimestepSpacing}");
        }
        if (timesteps[0] >= T)
            throw new ArgumentException($"scheduler config: steps_offset {config.StepsOffset} pushes the first of {steps} leading timesteps to {timesteps[0]}, outside 0..{T - 1}", nameof(config));
        return timesteps;
    }
}
