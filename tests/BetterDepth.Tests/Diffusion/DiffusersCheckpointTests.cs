using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

public class DiffusersCheckpointTests
{
    static UNetConfig TinyUNet4 => Named("tiny").UNet with { InChannels = 12, OutChannels = 4 };

    [Fact]
    public void Tiny_checkpoint_with_vae_and_context_reloads_bit_exactly()
    {
        var dir = TestData.NewTempDir("ckpt");
        using var unet = new UNet2DConditionModel(TinyUNet4);
        using var vae = new AutoencoderKL(TinyVae);
        using var ctx = CrossAttentionContext.Learned(4, 32, seed: 1);
        Randomize(unet, 1);
        Randomize(vae, 2);
        var unetBefore = Snapshot(unet);
        var vaeBefore = Snapshot(vae);
        DiffusersCheckpoint.Save(dir, unet, vae, ctx, schedulerConfigJson: """{"_class_name":"DDIMScheduler"}""");

        Assert.True(File.Exists(Path.Combine(dir, "unet", "config.json")));
        Assert.True(File.Exists(Path.Combine(dir, "vae", DiffusersCheckpoint.WeightsName)));
        using var loaded = DiffusersCheckpoint.Load(dir);
        Assert.Equal(unet.Config.BlockOutChannels, loaded.UNet.Config.BlockOutChannels);
        Assert.Equal(unet.Config.AttentionHeadDim, loaded.UNet.Config.AttentionHeadDim);
        AssertBitExact(unetBefore, loaded.UNet);
        AssertBitExact(vaeBefore, (AutoencoderKL)loaded.Autoencoder);
        Assert.NotNull(loaded.Context);
        using var c1 = ctx.ForBatch(1);
        using var c2 = loaded.Context!.ForBatch(1);
        Assert.True(Same(c1, c2));
        Assert.Equal(Path.Combine(dir, "scheduler", "scheduler_config.json"), loaded.SchedulerConfigPath);

        // same weights, same function
        using var x = randn(1, 12, 8, 8);
        using var t = tensor(new long[] { 3 });
        unet.eval(); loaded.UNet.eval();
        using var y1 = unet.forward(x, t, c1);
        using var y2 = loaded.UNet.forward(x, t, c2);
        Assert.True(Same(y1, y2));
    }

    [Fact]
    public void Pixel_unshuffle_autoencoder_is_saved_as_config_only()
    {
        var dir = TestData.NewTempDir("ckpt");
        using var unet = new UNet2DConditionModel(Named("tiny").UNet);
        using var ae = new PixelUnshuffleAutoencoder(4, 16);
        DiffusersCheckpoint.Save(dir, unet, ae);
        Assert.False(File.Exists(Path.Combine(dir, "vae", DiffusersCheckpoint.WeightsName)));
        using var loaded = DiffusersCheckpoint.Load(dir);
        Assert.IsType<PixelUnshuffleAutoencoder>(loaded.Autoencoder);
        Assert.Equal(16, loaded.Autoencoder.LatentChannels);
        Assert.Equal(4, loaded.Autoencoder.DownscaleFactor);
        Assert.Null(loaded.Context);
    }

    [Fact]
    public void Four_channel_checkpoint_widens_into_a_twelve_channel_unet()
    {
        var dir = TestData.NewTempDir("ckpt");
        using var unet4 = new UNet2DConditionModel(TinyUNet4 with { InChannels = 4 });
        using var vae = new AutoencoderKL(TinyVae);
        Randomize(unet4, 4);
        DiffusersCheckpoint.Save(dir, unet4, vae);
        var w4 = unet4.state_dict()["conv_in.weight"];

        var plain = Assert.Throws<InvalidFileException>(() => WeightLoader.Load(new UNet2DConditionModel(TinyUNet4), Path.Combine(dir, "unet", DiffusersCheckpoint.WeightsName)));
        Assert.Contains("conv_in.weight [32, 4, 3, 3] vs model [32, 12, 3, 3]", plain.Message);

        using var loaded = DiffusersCheckpoint.Load(dir, options: new CheckpointLoadOptions { UNetInChannels = 12 });
        Assert.Equal(12, loaded.UNet.Config.InChannels);
        var w12 = loaded.UNet.state_dict()["conv_in.weight"];
        Assert.Equal(new long[] { 32, 12, 3, 3 }, w12.shape);
        for (var k = 0; k < 3; k++) Assert.True(w12.narrow(1, 4 * k, 4).allclose(w4.Over(3.0)));
        Assert.True(Same(loaded.UNet.state_dict()["conv_out.weight"], unet4.state_dict()["conv_out.weight"]));
    }

    [Fact]
    public void Missing_unexpected_and_mismatched_keys_are_listed_by_name()
    {
        var dir = TestData.NewTempDir("ckpt");
        var path = Path.Combine(dir, "w.safetensors");
        using var unet = new UNet2DConditionModel(TinyUNet4);
        var tensors = unet.state_dict().Where(kv => kv.Key != "conv_out.bias").ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["mid_block.extra.weight"] = zeros(3);
        tensors["conv_norm_out.weight"] = zeros(31);
        SafeTensorsWriter.Write(path, tensors);
        using var target = new UNet2DConditionModel(TinyUNet4);
        var before = Snapshot(target);
        var e = Assert.Throws<InvalidFileException>(() => WeightLoader.Load(target, path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("missing keys (1): conv_out.bias", e.Message);
        Assert.Contains("unexpected keys (1): mid_block.extra.weight", e.Message);
        Assert.Contains("conv_norm_out.weight [31] vs model [32]", e.Message);
        AssertBitExact(before, target); // nothing was half-loaded
    }

    [Fact]
    public void Legacy_vae_attention_names_load_into_current_names()
    {
        Assert.Equal("encoder.mid_block.attentions.0.to_q.weight", DiffusersCheckpoint.LegacyVaeAttentionKey("encoder.mid_block.attentions.0.query.weight"));
        Assert.Equal("decoder.mid_block.attentions.0.to_out.0.bias", DiffusersCheckpoint.LegacyVaeAttentionKey("decoder.mid_block.attentions.0.proj_attn.bias"));
        Assert.Equal("encoder.down_blocks.0.resnets.0.conv1.weight", DiffusersCheckpoint.LegacyVaeAttentionKey("encoder.down_blocks.0.resnets.0.conv1.weight"));

        var dir = TestData.NewTempDir("ckpt");
        var path = Path.Combine(dir, "vae.safetensors");
        using var vae = new AutoencoderKL(TinyVae);
        Randomize(vae, 9);
        var legacy = vae.state_dict().ToDictionary(
            kv => kv.Key.Replace(".to_q.", ".query.").Replace(".to_k.", ".key.").Replace(".to_v.", ".value.").Replace(".to_out.0.", ".proj_attn."),
            kv => kv.Key.EndsWith("to_q.weight") ? kv.Value.unsqueeze(-1).unsqueeze(-1) : kv.Value); // old 1x1-conv form
        SafeTensorsWriter.Write(path, legacy);
        using var target = new AutoencoderKL(TinyVae);
        WeightLoader.Load(target, path, new WeightLoadOptions { RenameKey = DiffusersCheckpoint.LegacyVaeAttentionKey });
        AssertBitExact(Snapshot(vae), target);
    }

    [Fact]
    public void Folder_problems_name_the_file()
    {
        var dir = TestData.NewTempDir("ckpt");
        Assert.Throws<InvalidFileException>(() => DiffusersCheckpoint.Load(Path.Combine(dir, "nope")));
        Directory.CreateDirectory(Path.Combine(dir, "unet"));
        File.WriteAllText(Path.Combine(dir, "unet", "config.json"), """{"in_channels":4,"out_channels":4,"layers_per_block":1,"cross_attention_dim":32,"block_out_channels":[32,64],"down_block_types":["DownBlock2D"],"up_block_types":["UpBlock2D","UpBlock2D"]}""");
        var e = Assert.Throws<InvalidFileException>(() => DiffusersCheckpoint.Load(dir));
        Assert.EndsWith(Path.Combine("unet", "config.json"), e.FilePath);
        Assert.Contains("down_block_types", e.Message);
    }
}
