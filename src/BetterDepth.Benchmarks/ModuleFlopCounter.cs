using BetterDepth.Diffusion;
using TorchSharp;
using TorchSharp.Modules;

namespace BetterDepth.Benchmarks;

/// <summary>
/// Counts the FLOPs of a module tree by walking its submodules and propagating the feature-map size.
/// TorchSharp runs forward hooks only through <c>Module.call</c>, and the U-Net calls <c>forward</c>
/// directly, so hooks never fire: the walk reads each layer's geometry (weights, stride, padding) instead.
/// Inside a module every token-wise linear layer sees H * W tokens, except time-embedding layers (one token).
/// </summary>
public sealed class ModuleFlopCounter(long batch = 1, long contextTokens = 1)
{
    readonly List<LayerFlops> layers = new();

    public FlopCount Result => new(layers.ToList());

    /// <summary>
    /// Counts <paramref name="module"/> run on a feature map of <paramref name="height"/> x <paramref name="width"/>. Returns a
    /// convolution's output size; composite modules are taken to keep the size (callers handle down- and upsamplers).
    /// </summary>
    public (long Height, long Width) Visit(string path, torch.nn.Module module, long height, long width, long? tokens = null)
    {
        switch (module)
        {
            case Conv2d conv:
                return CountConv(path, conv, height, width);
            case Linear linear:
                layers.Add(new LayerFlops(path, FlopKind.Linear, FlopRules.Linear(linear.in_features, linear.out_features, tokens ?? height * width, batch)));
                return (height, width);
            case Attention attention:
                CountAttention(path, attention, height * width);
                return (height, width);
            case TimestepEmbedding:
                foreach (var (name, child) in module.named_children()) Visit(Join(path, name), child, height, width, tokens: 1);
                return (height, width);
        }
        foreach (var (name, child) in module.named_children())
            Visit(Join(path, name), child, height, width, name == "time_emb_proj" ? 1 : tokens);
        return (height, width);
    }

    (long, long) CountConv(string path, Conv2d conv, long height, long width)
    {
        var k = conv.kernel_size;
        var s = conv.stride;
        var p = conv.padding ?? throw new NotSupportedException($"{path}: convolution with a named padding mode ({conv.padding_type}) is not counted");
        var d = conv.dilation;
        long outH = FlopRules.ConvOutput(height, k[0], s[0], p[0], d[0]);
        long outW = FlopRules.ConvOutput(width, k[1], s[1], p[1], d[1]);
        layers.Add(new LayerFlops(path, FlopKind.Convolution, FlopRules.Conv2d(conv.in_channels, conv.out_channels, k[0], k[1], conv.groups, outH, outW, batch)));
        return (outH, outW);
    }

    /// <summary>Self-attention (attn1) attends over the feature map's own tokens, cross-attention (attn2) over the context tokens.</summary>
    void CountAttention(string path, Attention attention, long queryTokens)
    {
        var children = attention.named_children().ToDictionary(c => c.name, c => c.module);
        long keyTokens = path.EndsWith("attn2", StringComparison.Ordinal) ? contextTokens : queryTokens;
        var toQ = (Linear)children["to_q"];
        Visit(Join(path, "to_q"), toQ, 1, 1, queryTokens);
        Visit(Join(path, "to_k"), children["to_k"], 1, 1, keyTokens);
        Visit(Join(path, "to_v"), children["to_v"], 1, 1, keyTokens);
        Visit(Join(path, "to_out"), children["to_out"], 1, 1, queryTokens);
        layers.Add(new LayerFlops(path, FlopKind.AttentionMatmul, FlopRules.AttentionMatmuls(queryTokens, keyTokens, toQ.out_features, batch)));
    }

    static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
