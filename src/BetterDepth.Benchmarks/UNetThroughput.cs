using BetterDepth.Compute;
using BetterDepth.Refinement;
using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>One U-Net forward at one size: counted FLOPs, best time, achieved rate.</summary>
public sealed record UNetForwardResult(string Config, int ImageSize, int LatentSize, long Parameters,
    double Flops, double ConvolutionFlops, double LinearFlops, double AttentionFlops,
    int Runs, double BestSeconds, double MedianSeconds, double GFlops, double FractionOfAttainable);

/// <summary>
/// Times the refiner's U-Net alone (batch 1, one denoising step's forward, under no_grad) on random latents
/// of a square image's latent size, and relates the counted FLOPs to the time (the random input is drawn inside the
/// timed region; it is tiny next to the forward).
/// </summary>
public static class UNetThroughput
{
    public static UNetForwardResult Measure(RefinerModel refiner, string config, int imageSize, double attainableGFlops, double minSeconds, CancellationToken ct = default)
    {
        int factor = refiner.Autoencoder.DownscaleFactor;
        if (imageSize % factor != 0) throw new ArgumentException($"image size {imageSize} is not a multiple of the autoencoder's factor {factor}");
        int latent = imageSize / factor;
        var unet = refiner.Unet;
        var flops = UNetFlopCounter.Count(unet, latent, latent, refiner.Context.Tokens);

        var times = Timing.Measure(ForwardTimer(refiner, latent), warmup: 1, minRuns: 3, maxRuns: 20, minSeconds: minSeconds, ct: ct);
        double gflops = flops.Total / times.Best / 1e9;
        return new UNetForwardResult(config, imageSize, latent, unet.ParameterCount(),
            flops.Total, flops.Of(FlopKind.Convolution), flops.Of(FlopKind.Linear), flops.Of(FlopKind.AttentionMatmul),
            times.Runs, times.Best, times.Median, gflops, gflops / attainableGFlops);
    }

    /// <summary>One batch-1 forward on random latents of <paramref name="latent"/> x <paramref name="latent"/> (no_grad, eval mode).</summary>
    public static Action ForwardTimer(RefinerModel refiner, int latent) => () =>
    {
        var unet = refiner.Unet;
        unet.eval();
        using var noGrad = no_grad();
        using var sample = randn(1, unet.Config.InChannels, latent, latent, device: refiner.Device);
        using var timestep = ScalarSafeOps.Filled([1], 500L, ScalarType.Int64, refiner.Device);
        unet.forward(sample, timestep, refiner.Context.ForBatch(1));
    };
}
