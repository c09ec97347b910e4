using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>How the coarser noise layers shrink (Marigold's downscale_strategy names).</summary>
public enum DownscaleStrategy
{
    /// <summary>Layer i has the previous layer's size divided by r^i, r ~ U[2, 4) drawn per layer ("original").</summary>
    Original,
    /// <summary>Halve the size floor(log2(min(H, W))) times ("every_layer").</summary>
    EveryLayer,
    /// <summary>Layer i has the previous layer's size divided by 2^i ("power_of_two").</summary>
    PowerOfTwo,
    /// <summary>Each layer is the previous one divided by r ~ U[2, 4) ("random_step").</summary>
    RandomStep,
}

/// <summary>
/// Multi-resolution ("pyramid") noise for training, as Marigold uses it: white noise plus bilinearly
/// upsampled coarser noise layers weighted strength^i, rescaled to unit standard deviation. Low-frequency
/// noise destroys the coarse layout that plain white noise leaves visible at moderate t, so the model
/// must learn it from the conditioning. The annealed variant scales the strength by t / T per sample,
/// so nearly clean samples get nearly white noise.
/// </summary>
internal static class MultiResolutionNoise
{
    /// <summary>Pyramid noise shaped like <paramref name="x"/> ([B, C, H, W]) with one strength for the batch.</summary>
    public static Tensor Like(Tensor x, double strength = 0.9, DownscaleStrategy strategy = DownscaleStrategy.Original, Generator? generator = null)
    {
        if (!(strength >= 0) || double.IsInfinity(strength)) throw new ArgumentOutOfRangeException(nameof(strength), $"strength must be >= 0 and finite, got {strength}");
        RequireImageBatch(x);
        using var scope = NewDisposeScope();
        using var s = tensor(strength, dtype: x.dtype, device: x.device);
        return Build(x, s, strategy, generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Annealed pyramid noise: sample b gets strength * t_b / T (Marigold's multi_res_noise.annealed, its default
    /// with strength 0.9).
    /// </summary>
    public static Tensor LikeAnnealed(Tensor x, Tensor timesteps, int numTrainTimesteps, double strength = 0.9,
        DownscaleStrategy strategy = DownscaleStrategy.Original, Generator? generator = null)
    {
        if (!(strength >= 0) || double.IsInfinity(strength)) throw new ArgumentOutOfRangeException(nameof(strength), $"strength must be >= 0 and finite, got {strength}");
        if (numTrainTimesteps < 1) throw new ArgumentOutOfRangeException(nameof(numTrainTimesteps), $"must be at least 1, got {numTrainTimesteps}");
        RequireImageBatch(x);
        if (timesteps.dim() != 1 || timesteps.shape[0] != x.shape[0])
            throw new ArgumentException($"timesteps must be 1-D with one entry per batch element ({x.shape[0]}), got shape [{string.Join(",", timesteps.shape)}]", nameof(timesteps));
        using var scope = NewDisposeScope();
        var s = timesteps.to(x.device).to_type(x.dtype).Times(strength).Over(numTrainTimesteps).reshape(-1, 1, 1, 1);
        return Build(x, s, strategy, generator).MoveToOuterDisposeScope();
    }

    static void RequireImageBatch(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"expected a [B, C, H, W] tensor, got shape [{string.Join(",", x.shape)}]", nameof(x));
        if (!x.is_floating_point()) throw new ArgumentException($"expected a floating-point tensor, got {x.dtype}", nameof(x));
    }

    /// <summary>Sum over layers i of upsample(randn at size_i) * strength^i, divided by its standard deviation.</summary>
    static Tensor Build(Tensor x, Tensor strength, DownscaleStrategy strategy, Generator? generator)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long[] fullSize = [h, w];
        var noise = randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
        // strength^i by successive products: strength.pow(i) would hand libtorch a temporary Scalar (see ScalarSafeOps).
        var weight = ones_like(strength);

        void AddLayer(int i, long layerH, long layerW)
        {
            using var coarse = randn([b, c, layerH, layerW], dtype: x.dtype, device: x.device, generator: generator);
            using var up = nn.functional.interpolate(coarse, size: fullSize, mode: InterpolationMode.Bilinear, align_corners: false);
            if (i > 0) weight = weight * strength;
            noise.PlusInPlace(up * weight);
        }

        switch (strategy)
        {
            case DownscaleStrategy.Original:
            case DownscaleStrategy.PowerOfTwo:
            case DownscaleStrategy.RandomStep:
                for (int i = 0; i < 10; i++)
                {
                    double r = strategy == DownscaleStrategy.PowerOfTwo ? 2 : RandomRatio(x.device, generator);
                    // Marigold divides the previous layer's size (not the full size) by r^i, or by r for random_step.
                    double divisor = strategy == DownscaleStrategy.RandomStep ? r : Math.Pow(r, i);
                    h = Math.Max(1, (long)(h / divisor));
                    w = Math.Max(1, (long)(w / divisor));
                    AddLayer(i, h, w);
                    if (h == 1 || w == 1) break;
                }
                break;
            case DownscaleStrategy.EveryLayer:
                int levels = (int)Math.Log2(Math.Min(h, w));
                for (int i = 0; i < levels; i++)
                {
                    h = Math.Max(1, h / 2);
                    w = Math.Max(1, w / 2);
                    AddLayer(i, h, w);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(strategy), $"unknown downscale strategy {strategy}");
        }

        using var std = noise.std();
        return noise.div_(std);
    }

    /// <summary>r ~ U[2, 4), drawn from the same generator as the noise (so a seed fixes the whole pyramid).</summary>
    static double RandomRatio(Device device, Generator? generator)
    {
        using var u = rand([1], dtype: ScalarType.Float32, device: device, generator: generator);
        return u.item<float>() * 2.0 + 2.0;
    }
}
