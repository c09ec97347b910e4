using BetterDepth.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// The learned feed-forward prior: an encoder-decoder CNN with skip connections mapping an ImageNet-normalised
/// RGB batch [B, 3, H, W] to positive affine-invariant disparity [B, 1, H, W].
/// Five stride-2 encoder stages (C, 2C, 4C, 8C, 8C channels) and a globally pooled context vector give the
/// network the whole-image layout; the decoder climbs back with skips from 1/16, 1/8 and 1/4 and predicts at
/// quarter resolution, upsampled bilinearly. Like DPT and Depth Anything (whose heads see 1/14 to 1/4 features)
/// it gets the layout right and blurs thin structures and occlusion edges over a few pixels: the detail the
/// diffusion refiner is there to restore. Optional residual blocks after the context (1/32), dec4 (1/16) and dec3
/// (1/8) deepen the levels that decide the layout, and optional self-attention blocks after those at 1/32 and 1/16 relate
/// every position to every other; both start as the identity, so they can be added to trained weights. Optional residual
/// blocks after enc3 (1/8) and enc4 (1/16) deepen the encoder, where objects and their sizes are recognised. An optional
/// <see cref="LayoutCorrector"/> (trained afterwards with the rest frozen) rescales the output's coarse layout.
/// </summary>
public sealed class PriorCnn : nn.Module<Tensor, Tensor>
{
    readonly ConvBlock enc1, enc2, enc3, enc4, enc5;
    readonly Conv2d context;
    readonly ConvBlock dec4, dec3, dec2;
    readonly ModuleList<ResidualBlock> enc3res, enc4res, res32, res16, res8;
    readonly ModuleList<AttentionBlock> attn32, attn16;
    readonly Conv2d head;
    readonly LayoutCorrector? layout;

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
        enc5 = new ConvBlock(8 * c, 8 * c, stride: 2);  // 1/32
        context = nn.Conv2d(8 * c, 8 * c, 1);
        dec4 = new ConvBlock(8 * c + 8 * c, 8 * c);     // 1/16
        dec3 = new ConvBlock(8 * c + 4 * c, 4 * c);     // 1/8
        dec2 = new ConvBlock(4 * c + 2 * c, 2 * c);     // 1/4
        head = nn.Conv2d(2 * c, 1, 3, padding: 1);
        enc3res = Residual(4 * c, config.EncoderBlocks);
        enc4res = Residual(8 * c, config.EncoderBlocks);
        res32 = Residual(8 * c, config.ResidualBlocks);
        res16 = Residual(8 * c, config.ResidualBlocks);
        res8 = Residual(4 * c, config.ResidualBlocks);
        attn32 = new([.. Enumerable.Range(0, config.AttentionBlocks).Select(_ => new AttentionBlock(8 * c))]);
        attn16 = new([.. Enumerable.Range(0, config.AttentionBlocks).Select(_ => new AttentionBlock(8 * c))]);
        layout = config.LayoutChannels > 0 ? new LayoutCorrector(config.LayoutChannels) : null;
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
        var e3 = Through(enc3res, enc3.forward(e2));
        var e4 = Through(enc4res, enc4.forward(e3));
        var e5 = enc5.forward(e4);
        // Global context: the scene's overall layout (floor, far wall, horizon) reaches every position.
        var g = nn.functional.silu(context.forward(nn.functional.adaptive_avg_pool2d(e5, 1)));
        e5 = Through(attn32, Through(res32, e5.Plus(g)));
        var d = Through(attn16, Through(res16, dec4.forward(cat([Up2(e5), e4], 1))));
        d = Through(res8, dec3.forward(cat([Up2(d), e3], 1)));
        d = dec2.forward(cat([Up2(d), e2], 1));
        // Softplus keeps disparity positive, as Depth Anything's ReLU head does: evaluation's disparity fit
        // (Marigold) only uses pixels with a positive prediction.
        var disparity = Up2(Up2(head.forward(d))).Softplus();
        if (layout is not null) disparity = layout.Correct(image, disparity);
        return disparity.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A new network with this one's weights and <paramref name="residualBlocks"/> residual and <paramref name="attentionBlocks"/>
    /// attention blocks per level, the added ones the identity: it computes exactly what this one does, with room to learn
    /// more (for `train-prior --init`).
    /// </summary>
    public PriorCnn Deepened(int residualBlocks, int? attentionBlocks = null) =>
        Reshaped(Config with { ResidualBlocks = residualBlocks, AttentionBlocks = attentionBlocks ?? Config.AttentionBlocks });

    /// <summary>
    /// A new network of <paramref name="target"/>'s shape with this one's weights: the same channels and corrector, at any
    /// working size (the layers are convolutions and a pooled context, so only the resize before them changes), with at
    /// least as many blocks of each kind per level, the added ones the identity.
    /// </summary>
    public PriorCnn Reshaped(PriorCnnConfig target)
    {
        if (target.ResidualBlocks < Config.ResidualBlocks)
            throw new ArgumentException($"a network with {Config.ResidualBlocks} residual blocks per level cannot lose some (asked for {target.ResidualBlocks})", nameof(target));
        if (target.AttentionBlocks < Config.AttentionBlocks)
            throw new ArgumentException($"a network with {Config.AttentionBlocks} attention blocks per level cannot lose some (asked for {target.AttentionBlocks})", nameof(target));
        if (target.EncoderBlocks < Config.EncoderBlocks)
            throw new ArgumentException($"a network with {Config.EncoderBlocks} encoder blocks per level cannot lose some (asked for {target.EncoderBlocks})", nameof(target));
        if (target with { Width = Config.Width, Height = Config.Height, ResidualBlocks = Config.ResidualBlocks, AttentionBlocks = Config.AttentionBlocks, EncoderBlocks = Config.EncoderBlocks } != Config)
            throw new ArgumentException("only the working size and the blocks per level can change", nameof(target));
        var reshaped = new PriorCnn(target);
        var state = reshaped.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, weight) in state_dict()) state[key].copy_(weight);
        reshaped.to(head.weight!.device);
        return reshaped;
    }

    /// <summary>This network with <paramref name="corrector"/> (its weights copied) on its output: one prior in one file.</summary>
    public PriorCnn WithLayout(LayoutCorrector corrector)
    {
        if (layout is not null) throw new ArgumentException("the network already has a layout corrector", nameof(corrector));
        var corrected = new PriorCnn(Config with { LayoutChannels = corrector.BaseChannels });
        var target = corrected.state_dict();
        using var noGrad = no_grad();
        foreach (var (key, weight) in state_dict()) target[key].copy_(weight);
        foreach (var (key, weight) in corrector.state_dict()) target[$"{nameof(layout)}.{key}"].copy_(weight);
        corrected.to(head.weight!.device);
        return corrected;
    }

    static ModuleList<ResidualBlock> Residual(int channels, int count) =>
        new([.. Enumerable.Range(0, count).Select(_ => new ResidualBlock(channels))]);

    static Tensor Through<TBlock>(ModuleList<TBlock> blocks, Tensor x) where TBlock : nn.Module<Tensor, Tensor>
    {
        foreach (var block in blocks) x = block.forward(x);
        return x;
    }

    /// <summary>Bilinear 2x upsampling (align_corners=false); sides divide by 32, so every level is exactly twice the next.</summary>
    static Tensor Up2(Tensor x) =>
        nn.functional.interpolate(x, size: [x.shape[2] * 2, x.shape[3] * 2], mode: InterpolationMode.Bilinear, align_corners: false);
}
