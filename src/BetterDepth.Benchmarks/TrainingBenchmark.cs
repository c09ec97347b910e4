using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

public sealed record TrainingResult(string Config, int Width, int Height, int Batch, int Iterations, double BestSeconds, double MedianSeconds)
{
    /// <summary>From the median iteration.</summary>
    public double IterationsPerSecond => 1.0 / MedianSeconds;
    /// <summary>From the fastest iteration: what the machine gives when nothing else runs.</summary>
    public double BestIterationsPerSecond => 1.0 / BestSeconds;
}

/// <summary>
/// Training speed without data loading: the forward/backward of <see cref="RefinerTrainer"/>'s micro-batch
/// (DDPM noise at random timesteps; v-prediction; masked MSE; backward) plus the Adam step, on the cached latents of
/// random images, conditions and targets.
/// </summary>
public static class TrainingBenchmark
{
    public static TrainingResult Measure(RefinerModel model, string config, int width, int height, int batch, int iterations, CancellationToken ct = default)
    {
        var ddpm = new DdpmScheduler(model.Scheduler);
        var device = model.Device;
        model.Unet.train();
        using var optimizer = optim.Adam(RefinerTrainer.TrainableParameters(model), lr: 3e-5);
        using var generator = new Generator(1234, device);

        // The frozen autoencoder's latents are encoded once, outside the timed step, as the trainer's latent cache
        // keeps them after the first epoch.
        Tensor imageLatent, conditionLatent, targetLatent;
        using (no_grad())
        {
            imageLatent = model.Autoencoder.EncodeImage(rand([batch, 3, height, width], generator: generator, device: device).Times(2).Minus(1));
            conditionLatent = model.Autoencoder.EncodeDepth(rand([batch, 1, height, width], generator: generator, device: device).Times(2).Minus(1));
            targetLatent = model.Autoencoder.EncodeDepth(rand([batch, 1, height, width], generator: generator, device: device).Times(2).Minus(1));
        }

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var timesteps = ddpm.SampleTimesteps(batch, generator, device);
            var noise = randn(targetLatent.shape, generator: generator, device: device);
            var noisy = ddpm.AddNoise(targetLatent, noise, timesteps);
            var velocity = ddpm.GetVelocity(targetLatent, noise, timesteps);
            var prediction = model.Predict(imageLatent, conditionLatent, noisy, timesteps);
            var mask = (rand(prediction.shape, generator: generator, device: device) > 0.2).to_type(ScalarType.Float32);
            var loss = (prediction - velocity).Squared().mul(mask).sum() / mask.sum().AtLeast(1);
            loss.backward();
            optimizer.SafeStep();
            _ = loss.item<float>(); // waits for the step, as the trainer's loss read does
        }

        try
        {
            var times = Timing.Measure(Step, warmup: 1, minRuns: iterations, maxRuns: iterations, minSeconds: 0, ct: ct);
            return new TrainingResult(config, width, height, batch, times.Runs, times.Best, times.Median);
        }
        finally
        {
            model.Unet.eval();
            imageLatent.Dispose();
            conditionLatent.Dispose();
            targetLatent.Dispose();
        }
    }
}
