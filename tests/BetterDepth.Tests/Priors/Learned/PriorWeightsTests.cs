using System.Buffers.Binary;
using System.Text;
using BetterDepth.Priors.Learned;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Priors.Learned;

[Collection(TorchSeeded.Name)]
public class PriorWeightsTests
{
    static readonly PriorCnnConfig Small = new(16, 96, 64);

    static string SavedModel(out PriorCnn model)
    {
        random.manual_seed(5);
        model = new PriorCnn(Small);
        var path = Path.Combine(TestData.NewTempDir(), "prior.safetensors");
        PriorWeights.Save(model, path);
        return path;
    }

    [Fact]
    public void SaveLoadRoundTripIsExact()
    {
        var path = SavedModel(out var original);
        using (original)
        using (var loaded = PriorWeights.Load(path))
        {
            Assert.Equal(Small, loaded.Config);
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
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength).Replace("\"base_channels\":\"24\"", "\"base_channels\":\"16\"");
        Assert.Equal(headerLength, Encoding.UTF8.GetByteCount(header));
        Encoding.UTF8.GetBytes(header).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidFileException>(() => PriorWeights.Load(path));
        Assert.Contains("'head.weight'", e.Message);
        Assert.Contains("shape", e.Message);
    }
}
