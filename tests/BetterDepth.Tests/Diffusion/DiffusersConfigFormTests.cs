using System.Text.Json.Nodes;
using BetterDepth.Diffusion;
using BetterDepth.Tests.Refinement;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

/// <summary>
/// The configs the project writes are in diffusers' own forms, so diffusers builds the models from them: per-block
/// fields as a bare number or a list of one entry per block, never num_attention_heads, no null sample_size. The
/// snippets are written here in the forms of the published SD 1.5, SD 2, Marigold and SDXL-shaped unet/config.json.
/// </summary>
public class DiffusersConfigFormTests
{
    const string Sd15 = """
        {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.6.0", "act_fn": "silu", "attention_head_dim": 8,
         "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false, "cross_attention_dim": 768,
         "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
         "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4, "layers_per_block": 2,
         "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 4, "sample_size": 64,
         "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]}
        """;

    const string Sd2 = """
        {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.8.0", "act_fn": "silu", "attention_head_dim": [5, 10, 20, 20],
         "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false, "cross_attention_dim": 1024,
         "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
         "downsample_padding": 1, "dual_cross_attention": false, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 4,
         "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32, "out_channels": 4,
         "sample_size": 96, "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
         "use_linear_projection": true}
        """;

    /// <summary>Marigold's: a newer diffusers writes every field, nulls included, and transformer_layers_per_block as a number.</summary>
    const string Marigold = """
        {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.25.0", "act_fn": "silu", "addition_embed_type": null,
         "addition_embed_type_num_heads": 64, "addition_time_embed_dim": null, "attention_head_dim": [5, 10, 20, 20],
         "attention_type": "default", "block_out_channels": [320, 640, 1280, 1280], "center_input_sample": false,
         "class_embed_type": null, "class_embeddings_concat": false, "conv_in_kernel": 3, "conv_out_kernel": 3,
         "cross_attention_dim": 1024, "cross_attention_norm": null,
         "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
         "downsample_padding": 1, "dropout": 0.0, "dual_cross_attention": false, "encoder_hid_dim": null, "encoder_hid_dim_type": null,
         "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 8, "layers_per_block": 2, "mid_block_only_cross_attention": null,
         "mid_block_scale_factor": 1, "mid_block_type": "UNetMidBlock2DCrossAttn", "norm_eps": 1e-05, "norm_num_groups": 32,
         "num_attention_heads": null, "num_class_embeds": null, "only_cross_attention": false, "out_channels": 4,
         "projection_class_embeddings_input_dim": null, "resnet_out_scale_factor": 1.0, "resnet_skip_time_act": false,
         "resnet_time_scale_shift": "default", "reverse_transformer_layers_per_block": null, "sample_size": 96,
         "time_cond_proj_dim": null, "time_embedding_act_fn": null, "time_embedding_dim": null, "time_embedding_type": "positional",
         "timestep_post_act": null, "transformer_layers_per_block": 1, "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
         "upcast_attention": false, "use_linear_projection": true}
        """;

    /// <summary>SDXL's per-block lists (without its added text-time embedding, which this U-Net does not build).</summary>
    const string SdxlShaped = """
        {"attention_head_dim": [5, 10, 20], "block_out_channels": [320, 640, 1280], "cross_attention_dim": 2048, "in_channels": 4, "out_channels": 4,
         "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"], "layers_per_block": 2,
         "transformer_layers_per_block": [1, 2, 10], "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
         "use_linear_projection": true}
        """;

    /// <summary>
    /// What diffusers' UNet2DConditionModel requires of these fields: num_attention_heads unset (it raises ValueError
    /// otherwise), and each per-block field a number (broadcast) or a list with one entry per down block (a shorter
    /// list raises ValueError or IndexError).
    /// </summary>
    static void AssertDiffusersBuildsUNet(JsonObject config)
    {
        Assert.True(config["num_attention_heads"] is null, "num_attention_heads must not be set");
        int blocks = config["down_block_types"]!.AsArray().Count;
        Assert.Equal(blocks, config["up_block_types"]!.AsArray().Count);
        Assert.Equal(blocks, config["block_out_channels"]!.AsArray().Count);
        foreach (var field in new[] { "attention_head_dim", "transformer_layers_per_block", "layers_per_block", "cross_attention_dim", "only_cross_attention" })
        {
            switch (config[field])
            {
                case null: break;
                case JsonArray list:
                    Assert.True(list.Count == blocks, $"{field}: {list.ToJsonString()} for {blocks} blocks");
                    Assert.All(list, entry => Assert.IsAssignableFrom<JsonValue>(entry));
                    break;
                case JsonValue: break;
                default: Assert.Fail($"{field} is neither a number nor a list"); break;
            }
        }
    }

    [Theory]
    [InlineData(Sd15)]
    [InlineData(Sd2)]
    [InlineData(Marigold)]
    [InlineData(SdxlShaped)]
    public void PublishedFieldFormsSurviveTheRoundTrip(string published)
    {
        var config = UNetConfig.Parse(published, "unet/config.json");
        var written = JsonNode.Parse(config.ToJson())!.AsObject();
        AssertDiffusersBuildsUNet(written);
        var source = JsonNode.Parse(published)!.AsObject();
        // every field the file stated comes back in the same form: a number as a number, a list as the same list
        foreach (var (key, value) in source)
            if (value is not null && written.ContainsKey(key))
                Assert.True(JsonNode.DeepEquals(value, written[key]), $"{key}: {value.ToJsonString()} became {written[key]?.ToJsonString()}");
        var reread = UNetConfig.Parse(written.ToJsonString(), "written");
        for (int i = 0; i < config.BlockCount; i++)
            Assert.Equal((config.HeadsOfBlock(i), config.TransformerLayersOfBlock(i)), (reread.HeadsOfBlock(i), reread.TransformerLayersOfBlock(i)));
        Assert.Equal(config.ToJson(), reread.ToJson());
    }

    [Fact]
    public void DefaultsLeftOutAreWrittenAsBareNumbers()
    {
        var written = JsonNode.Parse(UNetConfig.Parse(Sd15, "sd15").ToJson())!.AsObject();
        Assert.Equal(1, written["transformer_layers_per_block"]!.GetValue<int>());
        Assert.Equal(8, written["attention_head_dim"]!.GetValue<int>());
    }

    [Fact]
    public void HeadsGivenAsNumAttentionHeadsAreWrittenAsAttentionHeadDim()
    {
        var config = UNetConfig.Parse(SdxlShaped.Replace("\"attention_head_dim\": [5, 10, 20]", "\"attention_head_dim\": 64, \"num_attention_heads\": [5, 10, 20]"), "heads");
        var written = JsonNode.Parse(config.ToJson())!.AsObject();
        AssertDiffusersBuildsUNet(written);
        Assert.Equal("[5,10,20]", written["attention_head_dim"]!.ToJsonString());
        var reread = UNetConfig.Parse(written.ToJsonString(), "written");
        Assert.Equal([5, 10, 20], Enumerable.Range(0, 3).Select(reread.HeadsOfBlock));
    }

    [Fact]
    public void AOneEntryListFromAnOlderWriterIsWrittenAsANumber()
    {
        var config = UNetConfig.Parse(Sd2.Replace("\"use_linear_projection\": true", "\"use_linear_projection\": true, \"transformer_layers_per_block\": [1]"), "old");
        var written = JsonNode.Parse(config.ToJson())!.AsObject();
        AssertDiffusersBuildsUNet(written);
        Assert.Equal(1, written["transformer_layers_per_block"]!.GetValue<int>());
    }

    [Fact]
    public void FoldersTheProjectWritesAndShipsHaveDiffusersUNetConfigs()
    {
        var folder = TestData.NewTempDir("diffusers-forms");
        using (var model = RefinementTestModels.Tiny()) model.Save(folder);
        AssertDiffusersBuildsUNet(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "unet", "config.json")))!.AsObject());
        AssertDiffusersBuildsUNet(JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "models", "refiner", "unet", "config.json")))!.AsObject());
    }

    const string SdVae = """
        {"_class_name": "AutoencoderKL", "_diffusers_version": "0.8.0", "act_fn": "silu", "block_out_channels": [128, 256, 512, 512],
         "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
         "in_channels": 3, "latent_channels": 4, "layers_per_block": 2, "norm_num_groups": 32, "out_channels": 3, "sample_size": 768,
         "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]}
        """;

    [Fact]
    public void TheSdVaeConfigSurvivesTheRoundTripAndNoNullIsWritten()
    {
        var written = JsonNode.Parse(AutoencoderKLConfig.Parse(SdVae, "vae/config.json").ToJson())!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(SdVae)!.AsObject())
            if (written.ContainsKey(key))
                Assert.True(JsonNode.DeepEquals(value, written[key]), $"{key}: {value?.ToJsonString()} became {written[key]?.ToJsonString()}");

        // sample_size unknown: left out (diffusers' default), not null (diffusers' tiling arithmetic fails on None)
        var folder = TestData.NewTempDir("vae-forms");
        using var unet = new UNet2DConditionModel(Named("tiny").UNet with { InChannels = 12, OutChannels = 4 });
        using var vae = new AutoencoderKL(TinyVae);
        DiffusersCheckpoint.Save(folder, unet, vae);
        var vaeJson = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "vae", "config.json")))!.AsObject();
        Assert.Equal("AutoencoderKL", vaeJson["_class_name"]!.GetValue<string>());
        Assert.DoesNotContain(vaeJson, p => p.Value is null);
    }
}
