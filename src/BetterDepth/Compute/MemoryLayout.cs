using static TorchSharp.torch;

namespace BetterDepth.Compute;

/// <summary>
/// Channels-last ("NHWC") strides for 4-D activations. TorchSharp 0.107 has no memory_format argument, but libtorch
/// picks a convolution's layout from its input's strides, and its oneDNN kernels keep that layout through ReLU, GroupNorm
/// and the next convolution; for the 64-channel full-resolution convolutions of TAEF2 that is markedly faster on the CPU
/// (bench/README.md, "Channels-last autoencoder"). Values and shape are unchanged; only the order in memory differs.
/// </summary>
public static class MemoryLayout
{
    /// <summary>The same [N, C, H, W] values stored channel-fastest: a copy, or a view of <paramref name="x"/> if it already is.</summary>
    public static Tensor ChannelsLast(Tensor x)
    {
        if (x.ndim != 4) throw new ArgumentException($"channels-last needs a 4-D [N, C, H, W] tensor, got [{string.Join(", ", x.shape)}]", nameof(x));
        if (IsChannelsLast(x)) return x.alias();
        using var nhwc = x.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>Whether the channel index varies fastest in memory (stride 1) and each pixel's channels are packed.</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.ndim != 4) return false;
        var stride = x.stride();
        var shape = x.shape;
        return stride[1] == 1 && stride[3] == shape[1] && stride[2] == shape[1] * shape[3] && stride[0] == shape[1] * shape[2] * shape[3];
    }
}
