using BetterDepth.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// The learned feed-forward prior: a small encoder-decoder CNN mapping an ImageNet-normalised RGB batch
/// [B, 3, H, W] to positive affine-invariant disparity [B, 1, H, W].
/// Four stride-2 encoder stages (C, 2C, 4C, 8C channels) plus a globally pooled context vector give the
/// network the whole-image layout; the decoder upsamples bilinearly with only the coarse 1/8 skip and
/// predicts at half resolution, so fine structures come out blurred the way DPT / Depth Anything blur
/// them at boundaries. That blur is what the diffusion refiner is there to fix.
/// </summary>
public sealed class PriorCnn : nn.Module<Tensor, Tensor>
{
    readonly ConvBlock enc1, enc2, enc3, enc4;
    readonly Conv2d context;
    readonly ConvBlock dec3, dec2, dec1;
    readonly Conv2d head;

    public PriorCnnConfig Config { get; }

    public PriorCnn(PriorCnnConfig config) : base(nameof(PriorCnn))
    {
        config.Validate();
        Config = config;
        var c = config.BaseChannels;
        enc1 = new ConvBlock(3, c, stride: 2);          // 1/2
        enc2 = new ConvBlock(c, 2 * c, stride: 2);      // 1/4
        enc3 = new ConvBlock(2 * c, 4 * c, stride: 2);  // 1/8
        enc4 = new ConvBlock(4 * c, 8 * c, stride: 2);  // 1/16
        context = nn.Conv2d(8 * c, 8 * c, 1);
        dec3 = new ConvBlock(8 * c + 4 * c, 4 * c);     // 1/8, with the coarse skip
        dec2 = new ConvBlock(4 * c, 2 * c);             // 1/4, no skip
        dec1 = new ConvBlock(2 * c, c);                 // 1/2, no skip
        head = nn.Conv2d(c, 1, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor image)
    {
        if (image.ndim != 4 || image.shape[1] != 3)
            throw new ArgumentException($"expected an image batch [B, 3, H, W], got [{string.Join(", ", image.shape)}]", nameof(image));
        if (image.shape[2] % PriorCnnConfig.Stride != 0 || image.shape[3] % PriorCnnConfig.Stride != 0)
            throw new ArgumentException($"image height and width must be multiples of {PriorCnnConfig.Stride}, got {image.shape[2]}x{image.shape[3]}", nameof(image));
        using var scope = NewDisposeScope();
        var e1 = enc1.forward(image);
        var e2 = enc2.forward(e1);
        var e3 = enc3.forward(e2);
        var e4 = enc4.forward(e3);
        // Global context: the scene's overall layout (floor, far wall, horizon) reaches every position.
        var g = nn.functional.silu(context.forward(nn.functional.adaptive_avg_pool2d(e4, 1)));
        e4 = e4.Plus(g);
        var d = dec3.forward(cat([Up(e4, e3), e3], 1));
        d = dec2.forward(Up(d, e2));
        d = dec1.forward(Up(d, e1));
        // Softplus keeps disparity positive, as Depth Anything's ReLU head does: evaluation's disparity fit
        // (Marigold) only uses pixels with a positive prediction.
        var disparity = Up(head.forward(d), image).Softplus();
        return disparity.MoveToOuterDisposeScope();
    }

    static Tensor Up(Tensor x, Tensor like) =>
        nn.functional.interpolate(x, size: [like.shape[2], like.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
}
