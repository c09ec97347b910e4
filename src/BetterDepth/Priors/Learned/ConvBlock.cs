using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>Two 3x3 convolutions, each followed by GroupNorm and SiLU; the first one may downsample by its stride.</summary>
internal sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>GroupNorm settings, shared with the ONNX export so both compute the same normalisation.</summary>
    internal const int Groups = 8;
    internal const double Epsilon = 1e-5;

    readonly Conv2d conv1;
    readonly GroupNorm norm1;
    readonly Conv2d conv2;
    readonly GroupNorm norm2;

    public ConvBlock(int inChannels, int outChannels, int stride = 1) : base(nameof(ConvBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        norm1 = Norms.GroupNorm(Groups, outChannels, Epsilon, null);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        norm2 = Norms.GroupNorm(Groups, outChannels, Epsilon, null);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(norm1.forward(conv1.forward(x)));
        h = nn.functional.silu(norm2.forward(conv2.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
