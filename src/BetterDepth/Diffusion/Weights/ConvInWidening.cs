using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// Marigold's trick for feeding several latents to a U-Net pretrained on one: repeat the pretrained
/// conv_in kernel along the input channels and divide by the number of copies, so the widened
/// layer gives the pretrained response when every copy sees the same latent (8 channels: x 1/2; BetterDepth's 12: x 1/3).
/// </summary>
internal static class ConvInWidening
{
    /// <param name="weight">[out, in, kh, kw]</param>
    /// <returns>[out, newInChannels, kh, kw]</returns>
    public static Tensor Widen(Tensor weight, long newInChannels)
    {
        if (weight.dim() != 4) throw new ArgumentException($"conv_in weight must be 4-D, got [{string.Join(", ", weight.shape)}]", nameof(weight));
        var inChannels = weight.shape[1];
        if (newInChannels <= 0 || newInChannels % inChannels != 0)
            throw new ArgumentException($"cannot widen conv_in from {inChannels} to {newInChannels} input channels: not a multiple", nameof(newInChannels));
        var copies = newInChannels / inChannels;
        using var repeated = weight.repeat(1, copies, 1, 1);
        return repeated.Over(copies);
    }
}
