using BetterDepth.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// Stable Diffusion's VAE with diffusers' key layout. BetterDepth keeps it frozen: latents are the
/// posterior mean times <see cref="AutoencoderKLConfig.ScalingFactor"/> (no sampling); depth is encoded
/// as three identical channels and decoded as the mean of the three output channels.
/// </summary>
public sealed class AutoencoderKL : Module, ILatentAutoencoder
{
#pragma warning disable IDE1006
    readonly VaeEncoder encoder;
    readonly VaeDecoder decoder;
    readonly Conv2d quant_conv;
    readonly Conv2d post_quant_conv;
#pragma warning restore IDE1006

    public AutoencoderKLConfig Config { get; }
    public int LatentChannels => Config.LatentChannels;
    public int DownscaleFactor => Config.DownscaleFactor;

    public AutoencoderKL(AutoencoderKLConfig config, Device? device = null) : base(nameof(AutoencoderKL))
    {
        Config = config.Validate();
        encoder = new VaeEncoder(config, device);
        decoder = new VaeDecoder(config, device);
        quant_conv = Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, 1, device: device);
        post_quant_conv = Conv2d(config.LatentChannels, config.LatentChannels, 1, device: device);
        RegisterComponents();
    }

    /// <summary>Scaled posterior mean of an RGB batch in [-1, 1].</summary>
    public Tensor EncodeImage(Tensor rgbMinus1To1)
    {
        AutoencoderInput.Check(rgbMinus1To1, 3, DownscaleFactor, nameof(rgbMinus1To1));
        using var scope = NewDisposeScope();
        var moments = quant_conv.forward(encoder.forward(rgbMinus1To1));
        var mean = moments.narrow(1, 0, Config.LatentChannels);
        return mean.Times(Config.ScalingFactor).MoveToOuterDisposeScope();
    }

    public Tensor EncodeDepth(Tensor depthMinus1To1)
    {
        using var rgb = AutoencoderInput.DepthAsRgb(depthMinus1To1, DownscaleFactor);
        return EncodeImage(rgb);
    }

    /// <summary>Decodes to RGB in (about) [-1, 1].</summary>
    public Tensor DecodeImage(Tensor latent)
    {
        AutoencoderInput.CheckLatent(latent, LatentChannels);
        using var scope = NewDisposeScope();
        var z = post_quant_conv.forward(latent.Over(Config.ScalingFactor));
        return decoder.forward(z).MoveToOuterDisposeScope();
    }

    public Tensor DecodeDepth(Tensor latent) => AutoencoderInput.DepthFromRgb(DecodeImage(latent));

    public void MoveTo(Device device) => this.to(device);
}

/// <summary>VAE encoder: conv_in, DownEncoderBlock2D stages, mid block, GroupNorm-SiLU, conv_out to mean and log-variance.</summary>
internal sealed class VaeEncoder : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Conv2d conv_in;
    readonly ModuleList<UNetDownBlock> down_blocks = new();
    readonly VaeMidBlock mid_block;
    readonly GroupNorm conv_norm_out;
    readonly Conv2d conv_out;
#pragma warning restore IDE1006

    public VaeEncoder(AutoencoderKLConfig config, Device? device) : base(nameof(VaeEncoder))
    {
        var ch = config.BlockOutChannels;
        var s = new UNetBlockSettings(null, 0, config.NormNumGroups, VaeMidBlock.Eps, 0.0, false, device);
        conv_in = Conv2d(config.InChannels, ch[0], 3, padding: 1, device: device);
        var previous = ch[0];
        for (var i = 0; i < ch.Length; i++)
        {
            down_blocks.Add(new UNetDownBlock(previous, ch[i], config.LayersPerBlock, crossAttention: false, heads: 1, transformerLayers: 0,
                addDownsample: i < ch.Length - 1, downsamplePadding: 0, s));
            previous = ch[i];
        }
        mid_block = new VaeMidBlock(ch[^1], config.NormNumGroups, device);
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, ch[^1], VaeMidBlock.Eps, device);
        conv_out = Conv2d(ch[^1], 2 * config.LatentChannels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = conv_in.forward(x);
        foreach (var block in down_blocks) x = block.forward(x, null, null, null);
        x = mid_block.forward(x);
        return conv_out.forward(functional.silu(conv_norm_out.forward(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>VAE decoder: conv_in, mid block, UpDecoderBlock2D stages (no skips), GroupNorm-SiLU, conv_out to RGB.</summary>
internal sealed class VaeDecoder : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Conv2d conv_in;
    readonly VaeMidBlock mid_block;
    readonly ModuleList<VaeUpBlock> up_blocks = new();
    readonly GroupNorm conv_norm_out;
    readonly Conv2d conv_out;
#pragma warning restore IDE1006

    public VaeDecoder(AutoencoderKLConfig config, Device? device) : base(nameof(VaeDecoder))
    {
        var ch = config.BlockOutChannels;
        conv_in = Conv2d(config.LatentChannels, ch[^1], 3, padding: 1, device: device);
        mid_block = new VaeMidBlock(ch[^1], config.NormNumGroups, device);
        var previous = (long)ch[^1];
        for (var i = 0; i < ch.Length; i++)
        {
            var output = ch[ch.Length - 1 - i];
            up_blocks.Add(new VaeUpBlock(previous, output, config.LayersPerBlock + 1, config.NormNumGroups, addUpsample: i < ch.Length - 1, device));
            previous = output;
        }
        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, ch[0], VaeMidBlock.Eps, device);
        conv_out = Conv2d(ch[0], config.OutChannels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = mid_block.forward(conv_in.forward(z));
        foreach (var block in up_blocks) x = block.forward(x);
        return conv_out.forward(functional.silu(conv_norm_out.forward(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>VAE bottleneck (UNetMidBlock2D): resnet, single-head self-attention over all positions, resnet.</summary>
internal sealed class VaeMidBlock : Module<Tensor, Tensor>
{
    /// <summary>The VAE's normalisation epsilon everywhere.</summary>
    public const double Eps = 1e-6;

#pragma warning disable IDE1006
    readonly ModuleList<ResnetBlock2D> resnets = new();
    readonly ModuleList<Attention> attentions = new();
#pragma warning restore IDE1006

    public VaeMidBlock(long channels, int groups, Device? device) : base(nameof(VaeMidBlock))
    {
        resnets.Add(new ResnetBlock2D(channels, channels, null, groups, Eps, device: device));
        attentions.Add(new Attention(channels, null, heads: 1, headDim: channels, qkvBias: true, groupNormGroups: groups, groupNormEps: Eps, device: device));
        resnets.Add(new ResnetBlock2D(channels, channels, null, groups, Eps, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = resnets[0].forward(x, null);
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var tokens = x.flatten(2).transpose(1, 2);
        x = x.Plus(attentions[0].forward(tokens).transpose(1, 2).reshape(b, c, h, w));
        return resnets[1].forward(x, null).MoveToOuterDisposeScope();
    }
}

/// <summary>VAE decoder stage (UpDecoderBlock2D): residual blocks then an optional nearest x2 upsampler.</summary>
internal sealed class VaeUpBlock : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly ModuleList<ResnetBlock2D> resnets = new();
    readonly ModuleList<Upsample2D> upsamplers = new();
#pragma warning restore IDE1006

    public VaeUpBlock(long inChannels, long outChannels, int layers, int groups, bool addUpsample, Device? device) : base(nameof(VaeUpBlock))
    {
        for (var j = 0; j < layers; j++) resnets.Add(new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, null, groups, VaeMidBlock.Eps, device: device));
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels, device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var r in resnets) x = r.forward(x, null);
        foreach (var u in upsamplers) x = u.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
