using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>Halves the resolution with a stride-2 3x3 convolution (key: <c>downsamplers.0.conv</c>).</summary>
internal sealed class Downsample2D : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Conv2d conv;
#pragma warning restore IDE1006
    readonly bool padBottomRight;

    /// <param name="padding">1 in the U-Net (symmetric); 0 in the VAE, which pads one pixel right and bottom instead.</param>
    public Downsample2D(long channels, int padding, Device? device = null) : base(nameof(Downsample2D))
    {
        if (padding is not (0 or 1)) throw new ArgumentException($"downsample padding must be 0 or 1, got {padding}", nameof(padding));
        conv = Conv2d(channels, channels, 3, stride: 2, padding: padding, device: device);
        padBottomRight = padding == 0;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (!padBottomRight) return conv.forward(x);
        using var padded = functional.pad(x, [0, 1, 0, 1]);
        return conv.forward(padded);
    }
}

/// <summary>Doubles the resolution: nearest-neighbour upsampling then a 3x3 convolution (key: <c>upsamplers.0.conv</c>).</summary>
internal sealed class Upsample2D : Module
{
#pragma warning disable IDE1006
    readonly Conv2d conv;
#pragma warning restore IDE1006

    public Upsample2D(long channels, Device? device = null) : base(nameof(Upsample2D))
    {
        conv = Conv2d(channels, channels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    /// <param name="size">Target (H, W); null = twice the input. The U-Net passes the skip's size so odd sizes work.</param>
    public Tensor forward(Tensor x, long[]? size = null)
    {
        size ??= [x.shape[2] * 2, x.shape[3] * 2];
        using var up = functional.interpolate(x, size: size, mode: InterpolationMode.Nearest);
        return conv.forward(up);
    }
}
