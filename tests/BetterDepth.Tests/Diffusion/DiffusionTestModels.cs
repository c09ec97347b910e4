using BetterDepth.Compute;
using BetterDepth.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion;

/// <summary>Configs and helpers shared by the diffusion tests.</summary>
static class DiffusionTestModels
{
    public static string ConfigPath(string name) => Path.Combine(TestData.RepoRoot, "configs", "models", name + ".json");

    public static DiffusionModelConfig Named(string name) => DiffusionModelConfig.Load(ConfigPath(name));

    public static Device Meta => device(DeviceType.META);

    /// <summary>A VAE with SD's layout at toy width (2 stages, 8/16 channels): downscale 2.</summary>
    public static AutoencoderKLConfig TinyVae => new()
    {
        BlockOutChannels = [8, 16],
        LayersPerBlock = 1,
        DownBlockTypes = ["DownEncoderBlock2D", "DownEncoderBlock2D"],
        UpBlockTypes = ["UpDecoderBlock2D", "UpDecoderBlock2D"],
        NormNumGroups = 4,
    };

    /// <summary>Every parameter/buffer, name to a CPU copy.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module m) =>
        m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone());

    public static void AssertBitExact(Dictionary<string, Tensor> expected, nn.Module actual)
    {
        var got = actual.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), got.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (k, v) in expected)
        {
            Assert.Equal(v.shape, got[k].shape);
            Assert.True(Same(v, got[k].cpu()), $"tensor {k} differs after reload");
        }
    }

    /// <summary>Same shape, type and values, bit for bit (TorchSharp's Tensor.equal is element-wise).</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && (a.numel() == 0 || a.cpu().eq(b.cpu()).all().item<bool>());

    /// <summary>Random but deterministic weights (default init is too regular to catch swapped tensors).</summary>
    public static void Randomize(nn.Module m, int seed)
    {
        var g = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (_, p) in m.named_parameters())
        {
            using var r = randn(p.shape, generator: g);
            p.copy_(r.Times(0.1));
        }
    }
}
