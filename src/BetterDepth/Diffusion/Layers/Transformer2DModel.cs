using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// The spatial transformer of SD's U-Net: GroupNorm, projection of the feature map to tokens
/// (linear in SD 2, 1x1 conv in SD 1), transformer blocks with self- and cross-attention, projection
/// back, residual add.
/// </summary>
internal sealed class Transformer2DModel : Module
{
#pragma warning disable IDE1006
    readonly GroupNorm norm;
    readonly Module<Tensor, Tensor> proj_in;
    readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    readonly Module<Tensor, Tensor> proj_out;
#pragma warning restore IDE1006
    readonly bool linearProjection;

    public Transformer2DModel(long channels, long heads, long contextDim, int layers, int groups, bool useLinearProjection, Device? device = null)
        : base(nameof(Transformer2DModel))
    {
        if (channels % heads != 0) throw new ArgumentException($"{channels} channels do not split into {heads} attention heads");
        norm = Norms.GroupNorm(groups, channels, 1e-6, device);
        linearProjection = useLinearProjection;
        proj_in = useLinearProjection ? Linear(channels, channels, device: device) : Conv2d(channels, channels, 1, device: device);
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (var i = 0; i < layers; i++) transformer_blocks.Add(new BasicTransformerBlock(channels, heads, channels / heads, contextDim, device));
        proj_out = useLinearProjection ? Linear(channels, channels, device: device) : Conv2d(channels, channels, 1, device: device);
        RegisterComponents();
    }

    /// <param name="x">[B, C, H, W]</param>
    /// <param name="context">[B, L, contextDim]</param>
    public Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var t = norm.forward(x);
        t = linearProjection
            ? proj_in.forward(ToTokens(t))
            : ToTokens(proj_in.forward(t));
        foreach (var block in transformer_blocks) t = block.forward(t, context);
        var y = linearProjection
            ? ToMap(proj_out.forward(t), b, c, h, w)
            : proj_out.forward(ToMap(t, b, c, h, w));
        return y.Plus(x).MoveToOuterDisposeScope();
    }

    static Tensor ToTokens(Tensor map) => map.flatten(2).transpose(1, 2);
    static Tensor ToMap(Tensor tokens, long b, long c, long h, long w) => tokens.transpose(1, 2).reshape(b, c, h, w);
}

/// <summary>Pre-norm transformer block: self-attention, cross-attention on the context, GEGLU feed-forward.</summary>
internal sealed class BasicTransformerBlock : Module
{
#pragma warning disable IDE1006
    readonly LayerNorm norm1;
    readonly Attention attn1;
    readonly LayerNorm norm2;
    readonly Attention attn2;
    readonly LayerNorm norm3;
    readonly FeedForward ff;
#pragma warning restore IDE1006

    public BasicTransformerBlock(long dim, long heads, long headDim, long contextDim, Device? device = null) : base(nameof(BasicTransformerBlock))
    {
        norm1 = LayerNorm(dim, device: device);
        attn1 = new Attention(dim, null, heads, headDim, qkvBias: false, device: device);
        norm2 = LayerNorm(dim, device: device);
        attn2 = new Attention(dim, contextDim, heads, headDim, qkvBias: false, device: device);
        norm3 = LayerNorm(dim, device: device);
        ff = new FeedForward(dim, dim * 4, device);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        x = x.Plus(attn1.forward(norm1.forward(x)));
        x = x.Plus(attn2.forward(norm2.forward(x), context));
        x = x.Plus(ff.forward(norm3.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>GEGLU feed-forward: <c>net.0.proj</c> makes value and gate, value * gelu(gate), then <c>net.2</c>.</summary>
internal sealed class FeedForward : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly ModuleList<Module<Tensor, Tensor>> net;
#pragma warning restore IDE1006

    public FeedForward(long dim, long innerDim, Device? device = null) : base(nameof(FeedForward))
    {
        net = new ModuleList<Module<Tensor, Tensor>>(new Geglu(dim, innerDim, device), Dropout(0.0), Linear(innerDim, dim, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var m in net) x = m.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>Gated GELU unit (key <c>proj</c>): one linear map gives value and gate halves.</summary>
internal sealed class Geglu : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Linear proj;
#pragma warning restore IDE1006

    public Geglu(long dimIn, long dimOut, Device? device = null) : base("GEGLU")
    {
        proj = Linear(dimIn, dimOut * 2, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var parts = proj.forward(x).chunk(2, -1);
        return (parts[0] * functional.gelu(parts[1])).MoveToOuterDisposeScope();
    }
}
