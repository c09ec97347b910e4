using BetterDepth.Diffusion;
using BetterDepth.Imaging;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

public class ModelConfigTests
{
    [Theory]
    [InlineData("sd2", "AutoencoderKL", 4, ContextSource.File, 77)]
    [InlineData("tiny", "PixelUnshuffleAutoencoder", 16, ContextSource.Learned, 4)]
    [InlineData("small", "PixelUnshuffleAutoencoder", 16, ContextSource.Learned, 8)]
    [InlineData("tiny-taef2", "TinyAutoencoder", 32, ContextSource.Learned, 4)]
    [InlineData("small-taef2", "TinyAutoencoder", 32, ContextSource.Learned, 8)]
    public void Shipped_configs_load_and_agree_with_their_autoencoder(string name, string aeClass, int latent, ContextSource context, int tokens)
    {
        var c = Named(name);
        Assert.Equal(name, c.Name);
        Assert.Equal(aeClass, c.AutoencoderClass);
        Assert.Equal(latent, c.LatentChannels);
        Assert.Equal(3 * latent, c.UNet.InChannels);
        Assert.Equal(context, c.Context);
        Assert.Equal(tokens, c.ContextTokens);
    }

    [Fact]
    public void Config_whose_unet_does_not_match_the_autoencoder_is_rejected()
    {
        var path = Path.Combine(TestData.NewTempDir("cfg"), "bad.json");
        File.WriteAllText(path, File.ReadAllText(ConfigPath("tiny")).Replace("\"in_channels\": 48", "\"in_channels\": 12"));
        var e = Assert.Throws<InvalidFileException>(() => DiffusionModelConfig.Load(path));
        Assert.Contains("in_channels 12", e.Message);
    }

    [Fact]
    public void Sd2_attention_head_dim_means_heads_of_64_channels()
    {
        var u = Named("sd2").UNet;
        Assert.Equal([5, 10, 20, 20], Enumerable.Range(0, 4).Select(u.HeadsOfBlock));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(64, u.BlockOutChannels[i] / u.HeadsOfBlock(i)));
    }
}

public class CrossAttentionContextTests
{
    [Fact]
    public void Context_loads_from_npy_and_safetensors_and_rejects_bad_shapes_and_values()
    {
        var dir = TestData.NewTempDir("ctx");
        var values = Enumerable.Range(0, 3 * 4).Select(i => i * 0.5f).ToArray();
        var npy = Path.Combine(dir, "empty_prompt.npy");
        Npy.WriteFloat32(npy, values, 1, 3, 4);
        using var fromNpy = CrossAttentionContext.Load(npy);
        Assert.Equal(3, fromNpy.Tokens);
        Assert.Equal(4, fromNpy.Width);
        using var batch = fromNpy.ForBatch(2);
        Assert.Equal(new long[] { 2, 3, 4 }, batch.shape);
        Assert.Equal(values, batch[1].flatten().data<float>().ToArray());

        var st = Path.Combine(dir, "c.safetensors");
        fromNpy.Save(st);
        using var fromSt = CrossAttentionContext.Load(st);
        using var b2 = fromSt.ForBatch(2);
        Assert.True(DiffusionTestModels.Same(batch.contiguous(), b2.contiguous()));

        var flat = Path.Combine(dir, "flat.npy");
        Npy.WriteFloat32(flat, values, 12);
        Assert.Throws<InvalidFileException>(() => CrossAttentionContext.Load(flat));
        var nan = Path.Combine(dir, "nan.safetensors");
        SafeTensorsWriter.Write(nan, [new("x", TorchSharp.torch.tensor(new[] { 1f, float.NaN }, [1, 1, 2]))]);
        Assert.Contains("NaN", Assert.Throws<InvalidFileException>(() => CrossAttentionContext.Load(nan)).Message);
    }
}
