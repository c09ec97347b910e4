using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// Multi-head attention with diffusers' key layout (<c>to_q, to_k, to_v, to_out.0</c>, optional
/// <c>group_norm</c> as in the VAE). Self-attention when no context is given, cross-attention otherwise.
/// Works on token sequences [B, N, C]; callers flatten feature maps.
/// </summary>
internal sealed class Attention : Module
{
#pragma warning disable IDE1006
    readonly GroupNorm? group_norm;
    readonly Linear to_q;
    readonly Linear to_k;
    readonly Linear to_v;
    readonly ModuleList<Module<Tensor, Tensor>> to_out;
#pragma warning restore IDE1006
    readonly long heads;

    /// <param name="contextDim">Width of the cross-attention context; null = self-attention.</param>
    /// <param name="qkvBias">false in the U-Net's transformers, true in the VAE.</param>
    /// <param name="groupNormGroups">VAE only: normalise the input over channel groups first.</param>
    public Attention(long queryDim, long? contextDim, long heads, long headDim, bool qkvBias,
        int? groupNormGroups = null, double groupNormEps = 1e-6, Device? device = null) : base(nameof(Attention))
    {
        if (heads <= 0 || headDim <= 0) throw new ArgumentException($"attention needs positive heads and head size, got {heads} x {headDim}");
        var inner = heads * headDim;
        var kvDim = contextDim ?? queryDim;
        if (groupNormGroups is int g) group_norm = Norms.GroupNorm(g, queryDim, groupNormEps, device);
        to_q = Linear(queryDim, inner, hasBias: qkvBias, device: device);
        to_k = Linear(kvDim, inner, hasBias: qkvBias, device: device);
        to_v = Linear(kvDim, inner, hasBias: qkvBias, device: device);
        to_out = new ModuleList<Module<Tensor, Tensor>>(Linear(inner, queryDim, device: device), Dropout(0.0));
        this.heads = heads;
        RegisterComponents();
    }

    /// <param name="x">[B, N, queryDim]</param>
    /// <param name="context">[B, L, contextDim] or null for self-attention.</param>
    public Tensor forward(Tensor x, Tensor? context = null)
    {
        using var scope = NewDisposeScope();
        if (group_norm is not null) x = group_norm.forward(x.transpose(1, 2)).transpose(1, 2);
        var kv = context ?? x;
        var q = SplitHeads(to_q.forward(x));
        var k = SplitHeads(to_k.forward(kv));
        var v = SplitHeads(to_v.forward(kv));
        // softmax(q k^T / sqrt(headDim)) v, fused by libtorch
        var o = functional.scaled_dot_product_attention(q, k, v, null, 0.0, false);
        o = o.transpose(1, 2).reshape(x.shape[0], x.shape[1], -1);
        foreach (var m in to_out) o = m.forward(o);
        return o.MoveToOuterDisposeScope();
    }

    Tensor SplitHeads(Tensor t) => t.view(t.shape[0], t.shape[1], heads, -1).transpose(1, 2);
}
