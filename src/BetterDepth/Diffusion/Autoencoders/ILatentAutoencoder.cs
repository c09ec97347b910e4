using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// Maps images and depth maps (both scaled to [-1, 1]) to the latent space the U-Net works in, and
/// depth latents back. Implemented by SD's <see cref="AutoencoderKL"/> and, for CPU-sized models, by the
/// fixed <see cref="PixelUnshuffleAutoencoder"/>; latent sizes and the latent mask follow the same code path.
/// </summary>
public interface ILatentAutoencoder : IDisposable
{
    int LatentChannels { get; }
    /// <summary>Pixels per latent cell along each axis (8 for SD); inputs must be a multiple of it.</summary>
    int DownscaleFactor { get; }
    /// <param name="rgbMinus1To1">[B, 3, H, W]</param> <returns>[B, LatentChannels, H/f, W/f]</returns>
    Tensor EncodeImage(Tensor rgbMinus1To1);
    /// <param name="depthMinus1To1">[B, 1, H, W]</param> <returns>[B, LatentChannels, H/f, W/f]</returns>
    Tensor EncodeDepth(Tensor depthMinus1To1);
    /// <returns>[B, 1, H, W] depth on the [-1, 1] scale (not clipped).</returns>
    Tensor DecodeDepth(Tensor latent);
    /// <summary>Moves the autoencoder's tensors (weights or fixed bases) to a device.</summary>
    void MoveTo(Device device);
}

static class AutoencoderInput
{
    /// <summary>Depth goes through an RGB autoencoder as three identical channels (Marigold): the view to encode.</summary>
    public static Tensor DepthAsRgb(Tensor depthMinus1To1, int factor)
    {
        Check(depthMinus1To1, 1, factor, nameof(depthMinus1To1));
        return depthMinus1To1.expand(-1, 3, -1, -1);
    }

    /// <summary>Decoded depth is the mean of the three decoded channels; takes ownership of <paramref name="rgb"/>.</summary>
    public static Tensor DepthFromRgb(Tensor rgb)
    {
        using (rgb) return rgb.mean([1], keepdim: true);
    }

    public static void CheckLatent(Tensor latent, int channels)
    {
        if (latent.dim() != 4 || latent.shape[1] != channels)
            throw new ArgumentException($"latent must be [B, {channels}, h, w], got [{string.Join(", ", latent.shape)}]", nameof(latent));
    }

    /// <summary>Rejects inputs the encoder cannot tile exactly, naming the tensor and the problem.</summary>
    public static void Check(Tensor x, long channels, int factor, string name)
    {
        if (x.dim() != 4 || x.shape[1] != channels)
            throw new ArgumentException($"{name} must be [B, {channels}, H, W], got [{string.Join(", ", x.shape)}]", name);
        if (x.shape[2] % factor != 0 || x.shape[3] % factor != 0)
            throw new ArgumentException($"{name} size {x.shape[3]}x{x.shape[2]} is not a multiple of the autoencoder's downscale factor {factor}", name);
    }
}
