using BetterDepth.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// A second look at a trained prior's layout. Given the image and the prior's disparity at the prior's own output grid
/// (1/4 of its working size), it predicts a smooth log-disparity correction at 1/8 of the working size, so the corrected
/// disparity is the prior's times exp(correction upsampled): it can move a near pillar nearer or a far street farther
/// relative to the rest of the frame, but cannot sharpen or blur an edge (the refiner's part). Small and coarse, it trains
/// with the prior frozen and its outputs cached, tens of passes over the scenes in the time the prior takes for one.
/// The head starts at zero, so an untrained corrector returns the prior unchanged.
/// </summary>
public sealed class LayoutCorrector : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The prior's output grid relative to its working size, where the corrector reads.</summary>
    public const int InputStride = 4;
    /// <summary>The correction's grid relative to the working size.</summary>
    public const int OutputStride = 8;
    /// <summary>Residual blocks at its coarsest level (1/32 of the working size).</summary>
    public const int ResidualBlocks = 2;
    public const int MaxChannels = 256;

    readonly ConvBlock enc1, enc2, enc3, enc4;
    readonly Conv2d context;
    readonly ModuleList<ResidualBlock> res;
    readonly AttentionBlock attention;
    readonly ConvBlock dec3, dec2;
    readonly Conv2d head;

    public int BaseChannels { get; }

    public LayoutCorrector(int baseChannels = 32) : base(nameof(LayoutCorrector))
    {
        ValidateChannels(baseChannels);
        BaseChannels = baseChannels;
        var c = baseChannels;
        enc1 = new ConvBlock(4, c);                    // 1/4 of the working size
        enc2 = new ConvBlock(c, 2 * c, stride: 2);     // 1/8
        enc3 = new ConvBlock(2 * c, 4 * c, stride: 2); // 1/16
        enc4 = new ConvBlock(4 * c, 8 * c, stride: 2); // 1/32
        context = nn.Conv2d(8 * c, 8 * c, 1);
        res = new([.. Enumerable.Range(0, ResidualBlocks).Select(_ => new ResidualBlock(8 * c))]);
        attention = new AttentionBlock(8 * c);
        dec3 = new ConvBlock(8 * c + 4 * c, 4 * c);    // 1/16
        dec2 = new ConvBlock(4 * c + 2 * c, 2 * c);    // 1/8
        head = nn.Conv2d(2 * c, 1, 3, padding: 1);
        RegisterComponents();
        using var noGrad = no_grad();
        head.weight!.zero_();
        head.bias!.zero_();
    }

    public static void ValidateChannels(int baseChannels)
    {
        if (baseChannels < 8 || baseChannels % 8 != 0 || baseChannels > MaxChannels)
            throw new ArgumentException($"the layout corrector's base channels must be a multiple of 8 from 8 to {MaxChannels}, got {baseChannels}", nameof(baseChannels));
    }

    /// <param name="image">[B, 3, h, w] normalised RGB at the prior's output grid (h, w multiples of 8).</param>
    /// <param name="disparity">[B, 1, h, w] the prior's positive disparity on the same grid.</param>
    /// <returns>[B, 1, h/2, w/2] the log-disparity correction.</returns>
    public override Tensor forward(Tensor image, Tensor disparity)
    {
        if (image.ndim != 4 || image.shape[1] != 3 || disparity.ndim != 4 || disparity.shape[1] != 1
            || image.shape[0] != disparity.shape[0] || image.shape[2] != disparity.shape[2] || image.shape[3] != disparity.shape[3])
            throw new ArgumentException($"expected an image [B, 3, h, w] and a disparity [B, 1, h, w], got [{string.Join(", ", image.shape)}] and [{string.Join(", ", disparity.shape)}]");
        if (image.shape[2] % 8 != 0 || image.shape[3] % 8 != 0)
            throw new ArgumentException($"the corrector's grid must have sides divisible by 8, got {image.shape[3]}x{image.shape[2]}", nameof(image));
        using var scope = NewDisposeScope();
        var e1 = enc1.forward(cat([image, CentredLog(disparity)], 1));
        var e2 = enc2.forward(e1);
        var e3 = enc3.forward(e2);
        var e4 = enc4.forward(e3);
        var g = nn.functional.silu(context.forward(nn.functional.adaptive_avg_pool2d(e4, 1)));
        e4 = e4.Plus(g);
        foreach (var block in res) e4 = block.forward(e4);
        e4 = attention.forward(e4);
        var d = dec3.forward(cat([Up2(e4), e3], 1));
        d = dec2.forward(cat([Up2(d), e2], 1));
        return head.forward(d).MoveToOuterDisposeScope();
    }

    /// <summary>disparity x exp(correction), the correction upsampled bilinearly to the disparity's size.</summary>
    public static Tensor Apply(Tensor disparity, Tensor correction)
    {
        using var scope = NewDisposeScope();
        var c = nn.functional.interpolate(correction, size: [disparity.shape[2], disparity.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return (disparity * c.exp()).MoveToOuterDisposeScope();
    }

    /// <summary>A working-size map brought to the corrector's grid by averaging (the prior's output and the image alike).</summary>
    public static Tensor ToInputGrid(Tensor map) => nn.functional.avg_pool2d(map, InputStride);

    /// <summary>The prior's working-size disparity for its working-size input, corrected.</summary>
    public Tensor Correct(Tensor image, Tensor disparity)
    {
        using var scope = NewDisposeScope();
        return Apply(disparity, forward(ToInputGrid(image), ToInputGrid(disparity))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log disparity minus its mean over the image: the prior's disparity is known up to scale, so only ratios carry, and
    /// the spread of the log is kept (not divided out) because how compressed the prior's near-to-far range is, is what the
    /// correction has to judge.
    /// </summary>
    static Tensor CentredLog(Tensor disparity)
    {
        var l = disparity.AtLeast(1e-6).log();
        return l - l.mean([1, 2, 3], keepdim: true);
    }

    static Tensor Up2(Tensor x) =>
        nn.functional.interpolate(x, size: [x.shape[2] * 2, x.shape[3] * 2], mode: InterpolationMode.Bilinear, align_corners: false);
}
