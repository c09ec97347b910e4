using BetterDepth.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>
/// The trained parts of BetterDepth and how they fit together: the denoising U-Net, the frozen latent
/// autoencoder, the cross-attention context (SD's empty-prompt embedding, or a small fixed one for the CPU
/// configs) and the noise schedule it was trained with. Used the same way by inference and training.
/// </summary>
public sealed class RefinerModel : IDisposable
{
    public UNet2DConditionModel Unet { get; }
    public ILatentAutoencoder Autoencoder { get; }
    /// <summary>[1, L, D] cross-attention context.</summary>
    public Tensor Context { get; private set; }
    public SchedulerConfig Scheduler { get; }
    public Conditioning Conditioning { get; }
    public Device Device { get; private set; }

    public RefinerModel(UNet2DConditionModel unet, ILatentAutoencoder autoencoder, Tensor context, SchedulerConfig scheduler, Conditioning conditioning)
    {
        int expected = autoencoder.LatentChannels * (conditioning == Conditioning.ImageAndDepth ? 3 : 2);
        if (unet.Config.InChannels != expected)
            throw new ArgumentException($"U-Net has {unet.Config.InChannels} input channels, but {conditioning} conditioning with {autoencoder.LatentChannels}-channel latents needs {expected}");
        if (unet.Config.OutChannels != autoencoder.LatentChannels)
            throw new ArgumentException($"U-Net predicts {unet.Config.OutChannels} channels, the autoencoder's latents have {autoencoder.LatentChannels}");
        if (context.dim() != 3 || context.shape[0] != 1 || context.shape[2] != unet.Config.CrossAttentionDim)
            throw new ArgumentException($"context must be [1, L, {unet.Config.CrossAttentionDim}], got [{string.Join(", ", context.shape)}]");
        Unet = unet;
        Autoencoder = autoencoder;
        Context = context;
        Scheduler = scheduler;
        Conditioning = conditioning;
        Device = context.device;
    }

    public RefinerModel To(Device device)
    {
        Unet.to(device);
        Autoencoder.MoveTo(device);
        var moved = Context.to(device);
        if (!ReferenceEquals(moved, Context)) { Context.Dispose(); Context = moved; }
        Device = device;
        return this;
    }

    /// <summary>
    /// The U-Net's prediction (v for a v-prediction model) from the latents in the paper's order:
    /// concat(z_x, z_c, z_t). <paramref name="conditionLatent"/> is ignored for image-only models.
    /// Image and condition latents with batch 1 are broadcast to the noisy latents' batch.
    /// </summary>
    public Tensor Predict(Tensor imageLatent, Tensor? conditionLatent, Tensor noisyLatent, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        long batch = noisyLatent.shape[0];
        var parts = new List<Tensor> { Broadcast(imageLatent, batch) };
        if (Conditioning == Conditioning.ImageAndDepth)
            parts.Add(Broadcast(conditionLatent ?? throw new ArgumentNullException(nameof(conditionLatent), "depth-conditioned refiner needs a condition latent"), batch));
        parts.Add(noisyLatent);
        using var input = cat(parts, dim: 1);
        using var context = Context.expand(batch, -1, -1);
        return Unet.forward(input, timesteps, context).MoveToOuterDisposeScope();
    }

    static Tensor Broadcast(Tensor latent, long batch) =>
        latent.shape[0] == batch ? latent : latent.expand(batch, -1, -1, -1);

    public void Dispose()
    {
        Unet.Dispose();
        Autoencoder.Dispose();
        Context.Dispose();
    }
}
