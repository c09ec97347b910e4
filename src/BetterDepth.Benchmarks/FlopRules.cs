namespace BetterDepth.Benchmarks;

/// <summary>
/// Floating-point operations of the layers that dominate a diffusion U-Net, one multiply-add = 2 FLOPs.
/// Bias adds, normalisation, activations, softmax, residual adds and resampling are not counted
/// (a few FLOPs per element against hundreds per output element of a convolution).
/// </summary>
public static class FlopRules
{
    /// <summary>2 * Cin/groups * kh * kw * Cout * Hout * Wout per image.</summary>
    public static double Conv2d(long inChannels, long outChannels, long kernelH, long kernelW, long groups, long outH, long outW, long batch = 1)
    {
        if (groups < 1 || inChannels % groups != 0) throw new ArgumentException($"{inChannels} input channels do not split into {groups} groups");
        return 2.0 * (inChannels / groups) * kernelH * kernelW * outChannels * outH * outW * batch;
    }

    /// <summary>2 * in * out per token.</summary>
    public static double Linear(long inFeatures, long outFeatures, long tokens, long batch = 1) =>
        2.0 * inFeatures * outFeatures * tokens * batch;

    /// <summary>
    /// The two attention matmuls, Q K^T and softmax(.) V: 2 * 2 * heads * L * S * headDim, written with
    /// inner = heads * headDim (the head split does not change the count).
    /// </summary>
    public static double AttentionMatmuls(long queryTokens, long keyTokens, long innerDim, long batch = 1) =>
        4.0 * queryTokens * keyTokens * innerDim * batch;

    /// <summary>Output size of a convolution along one axis.</summary>
    public static long ConvOutput(long input, long kernel, long stride, long padding, long dilation = 1) =>
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}
