using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// Stable Diffusion's conditional U-Net, built from a <see cref="UNetConfig"/> with diffusers'
/// UNet2DConditionModel parameter names, so SD 2 / Marigold checkpoints load key for key.
/// BetterDepth feeds it concat(image latent, condition latent, noisy depth latent) and reads a v-prediction.
/// </summary>
public sealed class UNet2DConditionModel : Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Conv2d conv_in;
    readonly TimestepEmbedding time_embedding;
    readonly ModuleList<UNetDownBlock> down_blocks = new();
    readonly UNetMidBlock mid_block;
    readonly ModuleList<UNetUpBlock> up_blocks = new();
    readonly GroupNorm conv_norm_out;
    readonly Conv2d conv_out;
#pragma warning restore IDE1006

    public UNetConfig Config { get; }

    /// <param name="device">Where the parameters live; the <c>meta</c> device builds the structure without memory.</param>
    public UNet2DConditionModel(UNetConfig config, Device? device = null) : base(nameof(UNet2DConditionModel))
    {
        Config = config.Validate();
        var ch = config.BlockOutChannels;
        var n = config.BlockCount;
        var s = new UNetBlockSettings(config.TimeEmbeddingChannels, config.CrossAttentionDim, config.NormNumGroups, config.NormEps,
            config.Dropout, config.UseLinearProjection, device);

        conv_in = Conv2d(config.InChannels, ch[0], 3, padding: 1, device: device);
        time_embedding = new TimestepEmbedding(ch[0], config.TimeEmbeddingChannels, device);

        var previous = ch[0];
        for (var i = 0; i < n; i++)
        {
            down_blocks.Add(new UNetDownBlock(previous, ch[i], config.LayersPerBlock, UNetConfig.HasCrossAttention(config.DownBlockTypes[i]),
                config.HeadsOfBlock(i), config.TransformerLayersOfBlock(i), addDownsample: i < n - 1, config.DownsamplePadding, s));
            previous = ch[i];
        }

        mid_block = new UNetMidBlock(ch[^1], config.HeadsOfBlock(n - 1), config.TransformerLayersOfBlock(n - 1), config.MidBlockScaleFactor, s);

        // Up block i mirrors down block n-1-i and uses its per-block settings.
        var prevOut = ch[^1];
        for (var i = 0; i < n; i++)
        {
            var mirror = n - 1 - i;
            var output = ch[mirror];
            var input = ch[Math.Max(mirror - 1, 0)];
            up_blocks.Add(new UNetUpBlock(input, prevOut, output, config.LayersPerBlock + 1, UNetConfig.HasCrossAttention(config.UpBlockTypes[i]),
                config.HeadsOfBlock(mirror), config.TransformerLayersOfBlock(mirror), addUpsample: i < n - 1, s));
            prevOut = output;
        }

        conv_norm_out = Norms.GroupNorm(config.NormNumGroups, ch[0], config.NormEps, device);
        conv_out = Conv2d(ch[0], config.OutChannels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    /// <param name="sample">[B, in_channels, H, W] latents.</param>
    /// <param name="timestep">[B] or a scalar (broadcast), integer or float.</param>
    /// <param name="encoderHiddenStates">[B, L, cross_attention_dim] cross-attention context.</param>
    /// <returns>[B, out_channels, H, W]</returns>
    public override Tensor forward(Tensor sample, Tensor timestep, Tensor encoderHiddenStates)
    {
        if (sample.dim() != 4 || sample.shape[1] != Config.InChannels)
            throw new ArgumentException($"sample must be [B, {Config.InChannels}, H, W], got [{string.Join(", ", sample.shape)}]", nameof(sample));
        if (encoderHiddenStates.dim() != 3 || encoderHiddenStates.shape[2] != Config.CrossAttentionDim)
            throw new ArgumentException($"encoder hidden states must be [B, L, {Config.CrossAttentionDim}], got [{string.Join(", ", encoderHiddenStates.shape)}]", nameof(encoderHiddenStates));
        var batch = sample.shape[0];
        if (encoderHiddenStates.shape[0] != batch)
            throw new ArgumentException($"encoder hidden states batch {encoderHiddenStates.shape[0]} differs from sample batch {batch}", nameof(encoderHiddenStates));

        using var scope = NewDisposeScope();
        var t = timestep.dim() == 0 ? timestep.expand(batch) : timestep;
        if (t.dim() != 1 || t.shape[0] != batch)
            throw new ArgumentException($"timestep must be a scalar or [{batch}], got [{string.Join(", ", timestep.shape)}]", nameof(timestep));
        var features = TimestepEmbedding.Sinusoidal(t.to(sample.device), (int)Config.BlockOutChannels[0], Config.FlipSinToCos, Config.FreqShift)
            .to_type(sample.dtype);
        var temb = time_embedding.forward(features);

        var x = conv_in.forward(sample);
        var skips = new List<Tensor> { x };
        foreach (var block in down_blocks) x = block.forward(x, temb, encoderHiddenStates, skips);
        x = mid_block.forward(x, temb, encoderHiddenStates);
        foreach (var block in up_blocks) x = block.forward(x, temb, encoderHiddenStates, skips);
        x = conv_out.forward(functional.silu(conv_norm_out.forward(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Total number of parameter values (works on the meta device).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
