using BetterDepth.Compute;
using System.Diagnostics;
using BetterDepth.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>
/// DDIM from pure noise to a depth latent, conditioned on the image and prior latents
/// (BetterDepth's fast setting is 2 steps). One call denoises a batch of ensemble members together.
/// </summary>
public sealed class LatentDenoiser(RefinerModel model)
{
    /// <summary>
    /// When set, each step books its U-Net call as "U-Net step i" and the rest of the step (scheduler update, timestep
    /// tensor) as "scheduler step i", so the time spent in the model is measured in the run itself.
    /// </summary>
    public StageTimings? Timings { get; set; }

    /// <summary>Called after each denoising step (for progress displays such as the serve page's).</summary>
    public Action? StepCompleted { get; set; }

    /// <summary>Stage names of step i are these followed by " i".</summary>
    public const string UNetStage = "U-Net step", SchedulerStage = "scheduler step";

    public Tensor Sample(Tensor imageLatent, Tensor? conditionLatent, int members, int steps, Generator generator, CancellationToken ct = default)
    {
        if (members <= 0) throw new ArgumentOutOfRangeException(nameof(members), "need at least one member");
        using var noise = InitialNoise(imageLatent, members, generator);
        return Sample(imageLatent, conditionLatent, noise, steps, ct);
    }

    /// <summary>Pure noise z_T for <paramref name="members"/> samples at the image latent's size.</summary>
    public Tensor InitialNoise(Tensor imageLatent, int members, Generator generator) =>
        randn([members, model.Autoencoder.LatentChannels, imageLatent.shape[2], imageLatent.shape[3]], dtype: imageLatent.dtype, device: imageLatent.device, generator: generator);

    /// <summary>Denoises the given z_T (one row per member); the caller keeps ownership of <paramref name="initialNoise"/>.</summary>
    public Tensor Sample(Tensor imageLatent, Tensor? conditionLatent, Tensor initialNoise, int steps, CancellationToken ct = default)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), "need at least one denoising step");
        var scheduler = new DdimScheduler(model.Scheduler);
        scheduler.SetTimesteps(steps);
        long members = initialNoise.shape[0];
        var latent = initialNoise.clone();
        int index = 0;
        foreach (long t in scheduler.Timesteps)
        {
            ct.ThrowIfCancellationRequested();
            index++;
            long start = Stopwatch.GetTimestamp();
            using var scope = NewDisposeScope();
            using var timesteps = ScalarSafeOps.Filled([members], t, ScalarType.Int64, latent.device);
            long forwardStart = Stopwatch.GetTimestamp();
            using var prediction = model.Predict(imageLatent, conditionLatent, latent, timesteps);
            double forward = Stopwatch.GetElapsedTime(forwardStart).TotalSeconds;
            using var step = scheduler.Step(prediction, t, latent);
            latent.Dispose();
            latent = step.PrevSample.clone().MoveToOuterDisposeScope();
            Timings?.Add($"{UNetStage} {index}", forward);
            Timings?.Add($"{SchedulerStage} {index}", Stopwatch.GetElapsedTime(start).TotalSeconds - forward);
            StepCompleted?.Invoke();
        }
        return latent;
    }
}
