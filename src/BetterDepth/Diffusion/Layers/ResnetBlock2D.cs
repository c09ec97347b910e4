using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// The residual block of Stable Diffusion's U-Net and VAE: GroupNorm-SiLU-conv twice, with the
/// time embedding added between the two convolutions (U-Net only) and a 1x1 shortcut when the
/// channel count changes. Field names are the diffusers checkpoint keys.
/// </summary>
internal sealed class ResnetBlock2D : Module
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    readonly GroupNorm norm1;
    readonly Conv2d conv1;
    readonly Linear? time_emb_proj;
    readonly GroupNorm norm2;
    readonly Dropout dropout;
    readonly Conv2d conv2;
    readonly Conv2d? conv_shortcut;
#pragma warning restore IDE1006
    readonly double outputScaleFactor;

    /// <param name="timeEmbeddingChannels">null for the VAE, whose blocks see no timestep.</param>
    public ResnetBlock2D(long inChannels, long outChannels, long? timeEmbeddingChannels, int groups, double eps,
        double dropoutRate = 0.0, double outputScaleFactor = 1.0, Device? device = null) : base(nameof(ResnetBlock2D))
    {
        norm1 = Norms.GroupNorm(groups, inChannels, eps, device);
        conv1 = Conv2d(inChannels, outChannels, 3, padding: 1, device: device);
        if (timeEmbeddingChannels is long t) time_emb_proj = Linear(t, outChannels, device: device);
        norm2 = Norms.GroupNorm(groups, outChannels, eps, device);
        dropout = Dropout(dropoutRate);
        conv2 = Conv2d(outChannels, outChannels, 3, padding: 1, device: device);
        if (inChannels != outChannels) conv_shortcut = Conv2d(inChannels, outChannels, 1, device: device);
        this.outputScaleFactor = outputScaleFactor;
        RegisterComponents();
    }

    /// <param name="x">[B, in, H, W]</param>
    /// <param name="timeEmbedding">[B, temb] or null (VAE).</param>
    public Tensor forward(Tensor x, Tensor? timeEmbedding)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(functional.silu(norm1.forward(x)));
        if (time_emb_proj is not null)
        {
            if (timeEmbedding is null) throw new ArgumentException("this block needs a time embedding", nameof(timeEmbedding));
            var t = time_emb_proj.forward(functional.silu(timeEmbedding));
            h = h.Plus(t.unsqueeze(-1).unsqueeze(-1));
        }
        h = conv2.forward(dropout.forward(functional.silu(norm2.forward(h))));
        var shortcut = conv_shortcut is null ? x : conv_shortcut.forward(x);
        var y = shortcut.Plus(h);
        if (outputScaleFactor != 1.0) y = y.Over(outputScaleFactor);
        return y.MoveToOuterDisposeScope();
    }
}
