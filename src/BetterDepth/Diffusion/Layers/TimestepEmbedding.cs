using BetterDepth.Compute;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// Timestep conditioning: the sinusoidal features of the diffusion step (no parameters) followed by
/// the learned linear-SiLU-linear MLP (<c>time_embedding.linear_1 / linear_2</c>).
/// </summary>
internal sealed class TimestepEmbedding : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Linear linear_1;
    readonly Linear linear_2;
#pragma warning restore IDE1006

    public TimestepEmbedding(long inChannels, long embeddingChannels, Device? device = null) : base(nameof(TimestepEmbedding))
    {
        linear_1 = Linear(inChannels, embeddingChannels, device: device);
        linear_2 = Linear(embeddingChannels, embeddingChannels, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        using var h = functional.silu(linear_1.forward(features));
        return linear_2.forward(h);
    }

    /// <summary>
    /// Transformer-style sinusoidal features of timesteps [B]: frequencies exp(-ln(10000) i / (half - shift)),
    /// sines then cosines (or cosines first with <paramref name="flipSinToCos"/>, as SD does). Result [B, dim], float32.
    /// </summary>
    public static Tensor Sinusoidal(Tensor timesteps, int dim, bool flipSinToCos, double freqShift, double maxPeriod = 10000.0)
    {
        if (timesteps.dim() != 1) throw new ArgumentException($"timesteps must be 1-D [B], got [{string.Join(", ", timesteps.shape)}]", nameof(timesteps));
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var exponent = ScalarSafeOps.Range(half, timesteps.device).Times(-Math.Log(maxPeriod) / (half - freqShift));
        var angles = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exponent.exp().unsqueeze(0);
        var emb = flipSinToCos ? cat([angles.cos(), angles.sin()], 1) : cat([angles.sin(), angles.cos()], 1);
        if (dim % 2 == 1) emb = functional.pad(emb, [0, 1]);
        return emb.MoveToOuterDisposeScope();
    }
}
