using BetterDepth.Diffusion;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

/// <summary>The sd2 config must reproduce Stable Diffusion 2's U-Net key for key (built on the meta device: no memory).</summary>
public class UNetStructureTests
{
    // Stable Diffusion 2 (stabilityai/stable-diffusion-2) UNet2DConditionModel with 4 input channels.
    const long Sd2UNetParameters = 865_910_724;
    const long Sd2UNetKeys = 686;

    /// <summary>Key -> shape of the sd2 U-Net, built once for all key checks.</summary>
    static readonly Lazy<Dictionary<string, long[]>> Sd2Shapes = new(() =>
    {
        using var unet = new UNet2DConditionModel(Named("sd2").UNet, Meta);
        return unet.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
    });

    [Fact]
    public void Sd2_config_has_the_parameter_count_of_SD2_plus_the_widened_conv_in()
    {
        var config = Named("sd2").UNet;
        using var widened = new UNet2DConditionModel(config, Meta);
        using var original = new UNet2DConditionModel(config with { InChannels = 4 }, Meta);
        Assert.Equal(Sd2UNetParameters, original.ParameterCount());
        Assert.Equal(Sd2UNetParameters + 320 * 8 * 9, widened.ParameterCount());
        Assert.Equal(Sd2UNetKeys, widened.state_dict().Count);
    }

    [Theory]
    [InlineData("conv_in.weight", new long[] { 320, 12, 3, 3 })]
    [InlineData("time_embedding.linear_1.weight", new long[] { 1280, 320 })]
    [InlineData("time_embedding.linear_2.weight", new long[] { 1280, 1280 })]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", new long[] { 320, 1024 })]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight", new long[] { 320, 320 })]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0.bias", new long[] { 320 })]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight", new long[] { 2560, 320 })]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2.weight", new long[] { 320, 1280 })]
    [InlineData("down_blocks.0.attentions.0.norm.weight", new long[] { 320 })]
    [InlineData("down_blocks.0.resnets.0.time_emb_proj.weight", new long[] { 320, 1280 })]
    [InlineData("down_blocks.1.resnets.0.conv_shortcut.weight", new long[] { 640, 320, 1, 1 })]
    [InlineData("down_blocks.2.downsamplers.0.conv.weight", new long[] { 1280, 1280, 3, 3 })]
    [InlineData("down_blocks.3.resnets.1.conv2.weight", new long[] { 1280, 1280, 3, 3 })]
    [InlineData("mid_block.attentions.0.proj_in.weight", new long[] { 1280, 1280 })]
    [InlineData("mid_block.attentions.0.transformer_blocks.0.norm3.weight", new long[] { 1280 })]
    [InlineData("mid_block.resnets.1.norm2.bias", new long[] { 1280 })]
    [InlineData("up_blocks.0.resnets.0.conv1.weight", new long[] { 1280, 2560, 3, 3 })]
    [InlineData("up_blocks.0.upsamplers.0.conv.weight", new long[] { 1280, 1280, 3, 3 })]
    [InlineData("up_blocks.1.attentions.2.proj_out.weight", new long[] { 1280, 1280 })]
    [InlineData("up_blocks.2.resnets.2.conv1.weight", new long[] { 640, 960, 3, 3 })]
    [InlineData("up_blocks.3.resnets.0.conv1.weight", new long[] { 320, 960, 3, 3 })]
    [InlineData("up_blocks.3.resnets.2.conv_shortcut.weight", new long[] { 320, 640, 1, 1 })]
    [InlineData("up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_v.weight", new long[] { 320, 1024 })]
    [InlineData("conv_norm_out.weight", new long[] { 320 })]
    [InlineData("conv_out.weight", new long[] { 4, 320, 3, 3 })]
    public void Sd2_config_has_diffusers_keys_and_shapes(string key, long[] shape)
    {
        Assert.True(Sd2Shapes.Value.TryGetValue(key, out var actual), $"missing {key}");
        Assert.Equal(shape, actual);
    }

    [Fact]
    public void Sd2_has_no_biases_on_attention_projections_and_no_extra_blocks()
    {
        var keys = Sd2Shapes.Value.Keys.ToHashSet();
        Assert.DoesNotContain("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias", keys);
        Assert.DoesNotContain("down_blocks.3.attentions.0.norm.weight", keys);   // DownBlock2D: no attention
        Assert.DoesNotContain("up_blocks.0.attentions.0.norm.weight", keys);     // UpBlock2D: no attention
        Assert.DoesNotContain("up_blocks.3.upsamplers.0.conv.weight", keys);     // last stage keeps the resolution
        Assert.DoesNotContain("down_blocks.3.downsamplers.0.conv.weight", keys);
        Assert.DoesNotContain("down_blocks.0.resnets.0.conv_shortcut.weight", keys);
    }

    // SD's VAE (AutoencoderKL, the one SD 2 and Marigold ship).
    [Fact]
    public void Sd2_vae_has_the_parameter_count_and_keys_of_SD_VAE()
    {
        var json = Named("sd2").AutoencoderJson;
        using var vae = new AutoencoderKL(AutoencoderKLConfig.Parse(json, "sd2"), Meta);
        Assert.Equal(83_653_863L, vae.parameters().Sum(p => p.numel()));
        Assert.Equal(8, vae.DownscaleFactor);
        var dict = vae.state_dict();
        Assert.Equal(new long[] { 512, 512 }, dict["encoder.mid_block.attentions.0.to_q.weight"].shape);
        Assert.Equal(new long[] { 512 }, dict["encoder.mid_block.attentions.0.to_q.bias"].shape);
        Assert.Equal(new long[] { 512 }, dict["decoder.mid_block.attentions.0.group_norm.weight"].shape);
        Assert.Equal(new long[] { 512, 512 }, dict["decoder.mid_block.attentions.0.to_out.0.weight"].shape);
        Assert.Equal(new long[] { 128, 3, 3, 3 }, dict["encoder.conv_in.weight"].shape);
        Assert.Equal(new long[] { 8, 512, 3, 3 }, dict["encoder.conv_out.weight"].shape);
        Assert.Equal(new long[] { 8, 8, 1, 1 }, dict["quant_conv.weight"].shape);
        Assert.Equal(new long[] { 4, 4, 1, 1 }, dict["post_quant_conv.weight"].shape);
        Assert.Equal(new long[] { 256, 128, 1, 1 }, dict["encoder.down_blocks.1.resnets.0.conv_shortcut.weight"].shape);
        Assert.Equal(new long[] { 128, 128, 3, 3 }, dict["encoder.down_blocks.0.downsamplers.0.conv.weight"].shape);
        Assert.Equal(new long[] { 512, 4, 3, 3 }, dict["decoder.conv_in.weight"].shape);
        Assert.Equal(new long[] { 512, 512, 3, 3 }, dict["decoder.up_blocks.0.upsamplers.0.conv.weight"].shape);
        Assert.Equal(new long[] { 128, 256, 1, 1 }, dict["decoder.up_blocks.3.resnets.0.conv_shortcut.weight"].shape);
        Assert.Equal(new long[] { 128, 128, 3, 3 }, dict["decoder.up_blocks.3.resnets.2.conv2.weight"].shape);
        Assert.False(dict.ContainsKey("decoder.up_blocks.3.upsamplers.0.conv.weight"));
        Assert.False(dict.ContainsKey("encoder.down_blocks.3.downsamplers.0.conv.weight"));
    }
}
