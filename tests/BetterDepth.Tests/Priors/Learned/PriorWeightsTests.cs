using System.Buffers.Binary;
using System.Text;
using BetterDepth.Diffusion;
using BetterDepth.Priors.Learned;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Priors.Learned;

[Collection(TorchSeeded.Name)]
public class PriorWeightsTests
{
    static readonly PriorCnnConfig Small = new(16, 96, 64);

    static string SavedModel(out PriorCnn model, PriorCnnConfig? config = null)
    {
        random.manual_seed(5);
        model = new PriorCnn(config ?? Small);
        var path = Path.Combine(TestData.NewTempDir(), "prior.safetensors");
        PriorWeights.Save(model, path);
        return path;
    }

    [Theory]
    [InlineData(0, 0, "2")]
    [InlineData(2, 0, "3")]
    [InlineData(1, 1, "4")]
    [InlineData(0, 2, "4")]
    [InlineData(1, 0, "5", 8)]
    [InlineData(0, 0, "6", 0, 2)]
    [InlineData(1, 1, "6", 8, 1)]
    public void SaveLoadRoundTripIsExact(int residualBlocks, int attentionBlocks, string architecture, int layoutChannels = 0, int encoderBlocks = 0)
    {
        var config = Small with { ResidualBlocks = residualBlocks, AttentionBlocks = attentionBlocks, LayoutChannels = layoutChannels, EncoderBlocks = encoderBlocks };
        var path = SavedModel(out var original, config);
        using (no_grad())
            foreach (var (name, p) in original.named_parameters())
                if (name.Contains(".to_out.") || name.StartsWith("layout.head.")) p.normal_();  // saved after the fact: the zero start would compare equal anyway
        PriorWeights.Save(original, path);
        using (var file = SafeTensorsFile.Open(path))
        {
            Assert.Equal(architecture, file.Metadata["architecture"]);
            var encoder = encoderBlocks > 0;
            Assert.Equal(residualBlocks > 0 || attentionBlocks > 0 || encoder, file.Metadata.ContainsKey("residual_blocks"));
            Assert.Equal(attentionBlocks > 0 || layoutChannels > 0 || encoder, file.Metadata.ContainsKey("attention_blocks"));
            Assert.Equal(layoutChannels > 0 || encoder, file.Metadata.ContainsKey("layout_channels"));
            Assert.Equal(encoder, file.Metadata.ContainsKey("encoder_blocks"));
        }
        using (original)
        using (var loaded = PriorWeights.Load(path))
        {
            Assert.Equal(config, loaded.Config);
            var a = original.state_dict();
            var b = loaded.state_dict();
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys) Assert.True(a[key].eq(b[key]).all().item<bool>(), $"weight {key} differs after the round trip");
            using var input = randn(1, 3, 64, 96);
            using var x = original.forward(input);
            using var y = loaded.forward(input);
            Assert.True(x.eq(y).all().item<bool>());
        }
    }

    [Fact]
    public void TruncatedFileIsRejectedNamingTheFile()
    {
        var path = SavedModel(out var model);
        model.Dispose();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void GarbageAndMissingFilesAreRejected()
    {
        var dir = TestData.NewTempDir();
        var garbage = Path.Combine(dir, "garbage.safetensors");
        File.WriteAllBytes(garbage, Encoding.ASCII.GetBytes("this is not a weights file at all"));
        Assert.Throws<InvalidFileException>(() => PriorWeights.Load(garbage));
        Assert.Throws<InvalidFileException>(() => PriorWeights.Load(Path.Combine(dir, "missing.safetensors")));
    }

    [Fact]
    public void MismatchedNetworkNamesTheKey()
    {
        // A 24-channel file relabelled as 16 channels: every shape mismatches; the error names the key it checked
        // (the head's kernel, read from the header before the network is built).
        random.manual_seed(6);
        using var wide = new PriorCnn(new PriorCnnConfig(24, 96, 64));
        var path = Path.Combine(TestData.NewTempDir(), "wide.safetensors");
        PriorWeights.Save(wide, path);
        RewriteHeader(path, h => h.Replace("\"base_channels\":\"24\"", "\"base_channels\":\"16\""));
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Contains("'head.weight'", e.Message);
        Assert.Contains("shape", e.Message);
    }

    [Theory]
    [InlineData("residual_blocks", "1")]
    [InlineData("residual_blocks", "3")]
    [InlineData("residual_blocks", "9")]
    [InlineData("encoder_blocks", "1")]
    [InlineData("encoder_blocks", "3")]
    public void BlockCountThatDisagreesWithTheWeightsIsRejected(string key, string claimed)
    {
        var path = SavedModel(out var model, key == "encoder_blocks" ? Small with { EncoderBlocks = 2 } : Small with { ResidualBlocks = 2 });
        model.Dispose();
        RewriteHeader(path, h => h.Replace($"\"{key}\":\"2\"", $"\"{key}\":\"{claimed}\""));
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    public void AttentionBlockCountThatDisagreesWithTheWeightsIsRejected(string claimed)
    {
        var path = SavedModel(out var model, Small with { ResidualBlocks = 1, AttentionBlocks = 2 });
        model.Dispose();
        RewriteHeader(path, h => h.Replace("\"attention_blocks\":\"2\"", $"\"attention_blocks\":\"{claimed}\""));
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("attention_blocks", e.Message);
    }

    [Fact]
    public void LayoutChannelsThatDisagreeWithTheWeightsAreRejected()
    {
        var path = SavedModel(out var model, Small with { LayoutChannels = 16 });
        model.Dispose();
        RewriteHeader(path, h => h.Replace("\"layout_channels\":\"16\"", "\"layout_channels\":\"32\""));
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("layout_channels", e.Message);
    }

    /// <summary>Edits the safetensors JSON header in place; the edit must keep its length.</summary>
    static void RewriteHeader(string path, Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = edit(Encoding.UTF8.GetString(bytes, 8, headerLength));
        Assert.Equal(headerLength, Encoding.UTF8.GetByteCount(header));
        Encoding.UTF8.GetBytes(header).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
    }
}
