using BetterDepth.Compute;
using BetterDepth.Diffusion;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// x + SelfAttention(GroupNorm(x)) over the feature map's positions, channels kept, heads of <see cref="HeadSize"/>
/// channels. Convolutions relate a pixel to its neighbours; a far street's depth against a near façade's is a relation
/// across the image, which is what the transformers of DPT and Depth Anything see at every layer. The output
/// projection starts at zero, so a new block is the identity and can be added to trained weights.
/// </summary>
internal sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    public const int HeadSize = 32;

#pragma warning disable IDE1006 // state-dict key, shared with the ONNX export
    readonly Attention attention;
#pragma warning restore IDE1006

    public AttentionBlock(int channels) : base(nameof(AttentionBlock))
    {
        if (channels % HeadSize != 0) throw new ArgumentException($"attention needs channels divisible by {HeadSize}, got {channels}", nameof(channels));
        attention = new Attention(channels, null, channels / HeadSize, HeadSize, qkvBias: true, groupNormGroups: ConvBlock.Groups, groupNormEps: ConvBlock.Epsilon);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (name, p) in attention.named_parameters())
            if (name.StartsWith("to_out.", StringComparison.Ordinal)) p.zero_();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var tokens = x.flatten(2).transpose(1, 2);             // [B, H*W, C]
        var attended = attention.forward(tokens).transpose(1, 2).reshape(x.shape);
        return x.Plus(attended).MoveToOuterDisposeScope();
    }
}
