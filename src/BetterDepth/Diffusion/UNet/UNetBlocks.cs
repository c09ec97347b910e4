using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>Shared settings of the blocks of one U-Net (from <see cref="UNetConfig"/>).</summary>
/// <param name="TimeEmbeddingChannels">null for the VAE encoder, which reuses the down block without timesteps.</param>
internal sealed record UNetBlockSettings(long? TimeEmbeddingChannels, long ContextDim, int Groups, double Eps, double Dropout, bool UseLinearProjection, Device? Device);

/// <summary>
/// Encoder stage (CrossAttnDownBlock2D / DownBlock2D): residual blocks, each optionally followed by a
/// spatial transformer, then an optional stride-2 downsampler. Every intermediate output is a skip connection.
/// </summary>
internal sealed class UNetDownBlock : Module
{
#pragma warning disable IDE1006
    readonly ModuleList<ResnetBlock2D> resnets = new();
    readonly ModuleList<Transformer2DModel> attentions = new();
    readonly ModuleList<Downsample2D> downsamplers = new();
#pragma warning restore IDE1006

    public UNetDownBlock(long inChannels, long outChannels, int layers, bool crossAttention, long heads, int transformerLayers,
        bool addDownsample, int downsamplePadding, UNetBlockSettings s) : base(nameof(UNetDownBlock))
    {
        for (var j = 0; j < layers; j++)
        {
            resnets.Add(new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, s.TimeEmbeddingChannels, s.Groups, s.Eps, s.Dropout, device: s.Device));
            if (crossAttention) attentions.Add(new Transformer2DModel(outChannels, heads, s.ContextDim, transformerLayers, s.Groups, s.UseLinearProjection, s.Device));
        }
        if (addDownsample) downsamplers.Add(new Downsample2D(outChannels, downsamplePadding, s.Device));
        RegisterComponents();
    }

    /// <summary>Runs the stage and appends each intermediate output to <paramref name="skips"/> (if given).</summary>
    public Tensor forward(Tensor x, Tensor? timeEmbedding, Tensor? context, List<Tensor>? skips)
    {
        for (var j = 0; j < resnets.Count; j++)
        {
            x = resnets[j].forward(x, timeEmbedding);
            if (attentions.Count > 0) x = attentions[j].forward(x, context ?? throw new ArgumentNullException(nameof(context)));
            skips?.Add(x);
        }
        foreach (var d in downsamplers) { x = d.forward(x); skips?.Add(x); }
        return x;
    }
}

/// <summary>
/// Decoder stage (CrossAttnUpBlock2D / UpBlock2D): each residual block takes the running features
/// concatenated with the latest skip connection; optional transformers; optional upsampler.
/// </summary>
internal sealed class UNetUpBlock : Module
{
#pragma warning disable IDE1006
    readonly ModuleList<ResnetBlock2D> resnets = new();
    readonly ModuleList<Transformer2DModel> attentions = new();
    readonly ModuleList<Upsample2D> upsamplers = new();
#pragma warning restore IDE1006

    /// <param name="inChannels">Channels of the matching down block's input (its first skip).</param>
    /// <param name="prevOutChannels">Channels arriving from the stage below.</param>
    public UNetUpBlock(long inChannels, long prevOutChannels, long outChannels, int layers, bool crossAttention, long heads, int transformerLayers,
        bool addUpsample, UNetBlockSettings s) : base(nameof(UNetUpBlock))
    {
        for (var j = 0; j < layers; j++)
        {
            var skipChannels = j == layers - 1 ? inChannels : outChannels;
            var runningChannels = j == 0 ? prevOutChannels : outChannels;
            resnets.Add(new ResnetBlock2D(runningChannels + skipChannels, outChannels, s.TimeEmbeddingChannels, s.Groups, s.Eps, s.Dropout, device: s.Device));
            if (crossAttention) attentions.Add(new Transformer2DModel(outChannels, heads, s.ContextDim, transformerLayers, s.Groups, s.UseLinearProjection, s.Device));
        }
        if (addUpsample) upsamplers.Add(new Upsample2D(outChannels, s.Device));
        RegisterComponents();
    }

    public int SkipCount => resnets.Count;

    /// <summary>Consumes <see cref="SkipCount"/> skips from the end of <paramref name="skips"/>; upsamples to the size of the next one.</summary>
    public Tensor forward(Tensor x, Tensor timeEmbedding, Tensor context, List<Tensor> skips)
    {
        for (var j = 0; j < resnets.Count; j++)
        {
            var skip = skips[^1];
            skips.RemoveAt(skips.Count - 1);
            x = resnets[j].forward(cat([x, skip], 1), timeEmbedding);
            if (attentions.Count > 0) x = attentions[j].forward(x, context);
        }
        foreach (var u in upsamplers) x = u.forward(x, skips.Count > 0 ? [skips[^1].shape[2], skips[^1].shape[3]] : null);
        return x;
    }
}

/// <summary>Bottleneck (UNetMidBlock2DCrossAttn): resnet, transformer(s), resnet.</summary>
internal sealed class UNetMidBlock : Module
{
#pragma warning disable IDE1006
    readonly ModuleList<ResnetBlock2D> resnets = new();
    readonly ModuleList<Transformer2DModel> attentions = new();
#pragma warning restore IDE1006

    public UNetMidBlock(long channels, long heads, int transformerLayers, double outputScaleFactor, UNetBlockSettings s) : base(nameof(UNetMidBlock))
    {
        resnets.Add(new ResnetBlock2D(channels, channels, s.TimeEmbeddingChannels, s.Groups, s.Eps, s.Dropout, outputScaleFactor, s.Device));
        attentions.Add(new Transformer2DModel(channels, heads, s.ContextDim, transformerLayers, s.Groups, s.UseLinearProjection, s.Device));
        resnets.Add(new ResnetBlock2D(channels, channels, s.TimeEmbeddingChannels, s.Groups, s.Eps, s.Dropout, outputScaleFactor, s.Device));
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor timeEmbedding, Tensor context)
    {
        x = resnets[0].forward(x, timeEmbedding);
        x = attentions[0].forward(x, context);
        return resnets[1].forward(x, timeEmbedding);
    }
}
