using System.Buffers.Binary;
using System.Text.Json.Nodes;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Hostile;

/// <summary>Refiner folders that loaded silently wrong, or failed with the wrong file named (issue 15).</summary>
public class RefinerFolderTests
{
    static string SavedTiny()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner-hostile"), "refiner");
        using var model = RefinementTestModels.Tiny();
        model.Save(folder);
        return folder;
    }

    [Fact]
    public void AFolderWithoutRefinerJsonIsAnErrorNamingTheFolder()
    {
        var folder = SavedTiny();
        File.Delete(Path.Combine(folder, RefinerModel.ManifestName));
        var e = Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), folder);
        Assert.Contains(RefinerModel.ManifestName, e.Message);
    }

    [Fact]
    public void ADuplicateKeyInRefinerJsonGetsAProjectMessageNamingTheFile()
    {
        var folder = SavedTiny();
        var manifest = Path.Combine(folder, RefinerModel.ManifestName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("{", "{\"condition_skip\": true,", StringComparison.Ordinal));
        var e = Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), manifest);
        Assert.DoesNotContain("same key", e.Message);
    }

    [Fact]
    public void ANewlineInAManifestValueStaysOnOneLine()
    {
        var folder = SavedTiny();
        var manifest = Path.Combine(folder, RefinerModel.ManifestName);
        var json = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        json["conditioning"] = "image\nand depth";
        File.WriteAllText(manifest, json.ToJsonString());
        var e = Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), manifest);
        Assert.Contains("image\\nand depth", e.Message);
    }

    [Fact]
    public void AMalformedVaeConfigIsReportedWithItsPath()
    {
        var folder = SavedTiny();
        var vaeConfig = Path.Combine(folder, "vae", "config.json");
        File.WriteAllText(vaeConfig, "{\"_class_name\": ");
        Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), vaeConfig);
    }

    [Theory]
    [InlineData("layers_per_block", "2")]
    [InlineData("cross_attention_dim", "64")]
    [InlineData("block_out_channels", "[32, 64, 128]")]
    public void AUNetConfigThatDoesNotDescribeItsWeightsIsRefusedNamingBoth(string field, string json)
    {
        var folder = SavedTiny();
        var config = Path.Combine(folder, "unet", "config.json");
        var node = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        node[field] = JsonNode.Parse(json);
        File.WriteAllText(config, node.ToJsonString());
        var e = Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), config);
        Assert.Contains(DiffusersCheckpoint.WeightsName, e.Message);
    }

    [Fact]
    public void NaNInTheUNetWeightsIsReportedNamingTheWeightsFile()
    {
        var folder = SavedTiny();
        var weights = Path.Combine(folder, "unet", DiffusersCheckpoint.WeightsName);
        long at;
        using (var file = SafeTensorsFile.Open(weights))
        {
            var entry = file.Entries["conv_out.weight"];
            var headerLength = BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(weights).AsSpan(0, 8));
            at = 8 + headerLength + entry.Begin;
        }
        using (var stream = new FileStream(weights, FileMode.Open, FileAccess.Write))
        {
            stream.Position = at;
            var nan = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(nan, float.NaN);
            stream.Write(nan);
        }
        var e = Refused.By(() => RefinerModel.Load(folder, CPU).Dispose(), weights);
        Assert.Contains("NaN", e.Message);
    }
}
