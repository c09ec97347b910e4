using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

public class AutoencoderTests
{
    [Fact]
    public void Pixel_unshuffle_autoencoder_round_trips_depth_exactly()
    {
        using var ae = new PixelUnshuffleAutoencoder(4, 16);
        using var depth = rand(2, 1, 24, 32).Times(2).Minus(1);
        using var z = ae.EncodeDepth(depth);
        Assert.Equal(new long[] { 2, 16, 6, 8 }, z.shape);
        using var back = ae.DecodeDepth(z);
        Assert.Equal(depth.shape, back.shape);
        Assert.True((back - depth).abs().max().item<float>() < 1e-5f);
        // first latent channel is the 4x4 block mean
        using var means = functional.avg_pool2d(depth, 4);
        Assert.True(z.narrow(1, 0, 1).allclose(means, 1e-5, 1e-6));
    }

    [Fact]
    public void Fewer_channels_than_pixels_per_block_give_an_orthogonal_projection()
    {
        using var ae = new PixelUnshuffleAutoencoder(8, 4);
        using var depth = rand(1, 1, 16, 16).Times(2).Minus(1);
        using var once = ae.DecodeDepth(ae.EncodeDepth(depth));
        using var twice = ae.DecodeDepth(ae.EncodeDepth(once));
        Assert.True(once.allclose(twice, 1e-5, 1e-5));           // projection: idempotent
        Assert.False(once.allclose(depth, 1e-3, 1e-3));          // and lossy for random depth
        using var flat = full(1, 1, 16, 16, 0.25f);
        Assert.True(ae.DecodeDepth(ae.EncodeDepth(flat)).allclose(flat, 1e-5, 1e-6)); // keeps constants
    }

    [Fact]
    public void Pixel_unshuffle_image_latent_keeps_grey_level_and_rejects_bad_sizes()
    {
        using var ae = new PixelUnshuffleAutoencoder(4, 16);
        using var grey = full(1, 3, 8, 8, 0.5f);
        using var z = ae.EncodeImage(grey);
        Assert.Equal(new long[] { 1, 16, 2, 2 }, z.shape);
        // only the luma DC channel is non-zero: sqrt(3) * 0.5
        Assert.True(z.narrow(1, 0, 1).allclose(full(1, 1, 2, 2, (float)(Math.Sqrt(3) * 0.5)), 1e-5, 1e-6));
        Assert.True(z.narrow(1, 1, 15).abs().max().item<float>() < 1e-5f);
        var e = Assert.Throws<ArgumentException>(() => ae.EncodeImage(zeros(1, 3, 10, 8)));
        Assert.Contains("multiple", e.Message);
        Assert.Throws<ArgumentException>(() => new PixelUnshuffleAutoencoder(4, 17));
    }

    [Fact]
    public void AutoencoderKL_encodes_depth_as_three_identical_channels_and_decodes_the_channel_mean()
    {
        using var vae = new AutoencoderKL(TinyVae);
        Randomize(vae, 5);
        vae.eval();
        using var depth = rand(1, 1, 8, 12).Times(2).Minus(1);
        using var z = vae.EncodeDepth(depth);
        Assert.Equal(new long[] { 1, 4, 4, 6 }, z.shape);
        using var zRgb = vae.EncodeImage(depth.repeat(1, 3, 1, 1));
        Assert.True(z.allclose(zRgb));
        using var d = vae.DecodeDepth(z);
        Assert.Equal(new long[] { 1, 1, 8, 12 }, d.shape);
        using var rgb = vae.DecodeImage(z);
        Assert.True(d.allclose(rgb.mean([1], keepdim: true)));
        Assert.Throws<ArgumentException>(() => vae.EncodeImage(zeros(1, 3, 7, 8)));
    }
}
