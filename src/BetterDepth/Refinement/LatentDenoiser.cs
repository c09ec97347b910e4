using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>
/// DDIM from pure noise to a depth latent, conditioned on the image and prior latents
/// (BetterDepth's fast setting is 2 steps). One call denoises a batch of ensemble members together.
/// </summary>
public sealed class LatentDenoiser(RefinerModel model)
{
    /// <summary>
    /// Called at the start of each step (1-based), after its U-Net call and at its end: the pipeline's stage timer and
    /// progress displays watch the loop from here.
    /// </summary>
    public Action<int, DenoisingPoint>? StepReached { get; set; }

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
            StepReached?.Invoke(++index, DenoisingPoint.Start);
            using var scope = NewDisposeScope();
            // The conditional U-Net predicts from concat(z_x, z_c, z_t) at timestep t ...
            using var timesteps = ScalarSafeOps.Filled([members], t, ScalarType.Int64, latent.device);
            using var prediction = model.Predict(imageLatent, conditionLatent, latent, timesteps);
            StepReached?.Invoke(index, DenoisingPoint.UNetDone);
            // ... and the DDIM update takes z_t to z_(t-1).
            using var step = scheduler.Step(prediction, t, latent);
            latent.Dispose();
            latent = step.PrevSample.clone().MoveToOuterDisposeScope();
            StepReached?.Invoke(index, DenoisingPoint.End);
        }
        return latent;
    }
}

/// <summary>Where a denoising step is when <see cref="LatentDenoiser.StepReached"/> is called.</summary>
public enum DenoisingPoint { Start, UNetDone, End }
