using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// x + GroupNorm(Conv3x3(SiLU(GroupNorm(Conv3x3(x))))), channels kept. The second norm's scale starts at zero, so a new
/// block is the identity: blocks added to a trained network leave its output exactly as it was until training moves them.
/// </summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly GroupNorm norm1;
    readonly Conv2d conv2;
    readonly GroupNorm norm2;

    public ResidualBlock(int channels) : base(nameof(ResidualBlock))
    {
        conv1 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
        norm1 = Norms.GroupNorm(ConvBlock.Groups, channels, ConvBlock.Epsilon, null);
        conv2 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
        norm2 = Norms.GroupNorm(ConvBlock.Groups, channels, ConvBlock.Epsilon, null);
        using (no_grad()) nn.init.zeros_(norm2.weight!);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.silu(norm1.forward(conv1.forward(x)));
        return x.Plus(norm2.forward(conv2.forward(h))).MoveToOuterDisposeScope();
    }
}
