using System.Text.Json.Nodes;
using BetterDepth.Diffusion;
using BetterDepth.Priors.Learned;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Hostile;

/// <summary>
/// Model configs that crashed on JSON null or built models of terabytes (issue 15): every one is refused before a
/// tensor is allocated, so each test takes milliseconds; a regression would allocate and fail or time out instead.
/// </summary>
public class ModelConfigBoundsTests
{
    /// <summary>The tiny setting's U-Net config with one field replaced (JSON text), written to a file.</summary>
    static string UNetConfigWith(string field, string json)
    {
        var unet = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepoRoot, "configs", "models", "tiny.json")))!["unet"]!.DeepClone().AsObject();
        unet[field] = JsonNode.Parse(json);
        return Write("config.json", unet.ToJsonString());
    }

    static string Write(string name, string text)
    {
        var path = Path.Combine(TestData.NewTempDir("config-hostile"), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("block_out_channels", "null")]
    [InlineData("up_block_types", "null")]
    [InlineData("down_block_types", "null")]
    [InlineData("transformer_layers_per_block", "null")]
    [InlineData("attention_head_dim", "null")]
    [InlineData("layers_per_block", "65536")]
    [InlineData("transformer_layers_per_block", "65536")]
    [InlineData("transformer_layers_per_block", "[1, 1, 65536]")]
    [InlineData("cross_attention_dim", "1000000000")]
    [InlineData("block_out_channels", "[1048576, 1048576, 1048576]")]
    [InlineData("act_fn", "\"gelu\\nsecond line\"")]
    public void UNetConfigsThatCrashedOrBuiltHugeModelsAreRefused(string field, string json)
    {
        var path = UNetConfigWith(field, json);
        var e = Refused.By(() => UNetConfig.Load(path), path);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void AnEmptyUNetConfigDoesNotFallBackToStableDiffusion2()
    {
        var path = Write("config.json", "{}");
        var e = Refused.By(() => UNetConfig.Load(path), path);
        Assert.Contains("block_out_channels", e.Message);
    }

    [Fact]
    public void ADuplicateKeyInAUNetConfigIsRefused()
    {
        var path = Write("config.json", File.ReadAllText(UNetConfigWith("layers_per_block", "1")).Replace("{", "{\"layers_per_block\": 2,"));
        Refused.By(() => UNetConfig.Load(path), path);
    }

    [Theory]
    [InlineData("""{"_class_name": "AutoencoderKL", "up_block_types": null}""")]
    [InlineData("""{"_class_name": "AutoencoderKL", "block_out_channels": null}""")]
    [InlineData("""{"_class_name": "AutoencoderKL", "latent_channels": 65536}""")]
    [InlineData("""{"_class_name": "AutoencoderKL", "layers_per_block": 65536}""")]
    [InlineData("""{"_class_name": "PixelUnshuffleAutoencoder", "downscale_factor": 256, "latent_channels": 65536}""")]
    [InlineData("""{"_class_name": "AutoencoderKL", "latent_channels": 4""")]
    public void AutoencoderConfigsThatCrashedOrBuiltHugeModelsAreRefused(string json)
    {
        var path = Write("config.json", json);
        Refused.By(() => DiffusersCheckpointConfig(path), path);
    }

    /// <summary>The way a checkpoint folder reads its vae/config.json.</summary>
    static void DiffusersCheckpointConfig(string path) =>
        BetterDepth.Diffusion.DiffusionModelConfig.AutoencoderLayoutOf(path);

    [Fact]
    public void PriorWeightsWithAbsurdOrMismatchedBaseChannelsAreRefusedBeforeTheNetworkIsBuilt()
    {
        foreach (var (baseChannels, headChannels) in new[] { ("1000000", 16L), ("16", 16L), ("8", 16L) })
        {
            var path = Path.Combine(TestData.NewTempDir("prior-hostile"), "prior.safetensors");
            using var head = zeros(1, headChannels, 3, 3);
            SafeTensorsWriter.Write(path, [new("head.weight", head)], new Dictionary<string, string>
            {
                ["format"] = "betterdepth-prior-cnn", ["architecture"] = "2", ["base_channels"] = baseChannels, ["width"] = "256", ["height"] = "192",
            });
            // 8 matches the head (2 x 8 channels), so the network is built and the missing weights are reported instead
            var e = Refused.By(() => PriorWeights.Load(path).Dispose(), path);
            if (baseChannels != "8") Assert.Contains("base", e.Message);
        }
    }
}
