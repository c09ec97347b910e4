using BetterDepth.Compute;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>
/// BetterDepth inference, step by step as the paper describes it: image -> resize to the processing
/// resolution -> depth prior -> normalise -> encode image and condition -> DDIM from noise -> decode ->
/// ensemble -> (optionally) the prior's layout -> resize back. It composes the prior, the refiner and the scheduler and does nothing else.
/// </summary>
public sealed class RefinementPipeline(IDepthPrior prior, RefinerModel refiner, RefinementOptions options)
{
    /// <param name="imageKey">The image's path, for priors that look predictions up per file (file prior); others ignore it.</param>
    /// <param name="progress">Units of work done: one after the prior, one after the encoding, one per denoising step and one per decode.</param>
    public RefinementResult Run(RgbImage image, string? imageKey = null, CancellationToken ct = default, IProgress<WorkProgress>? progress = null)
    {
        options.Validate();
        int batchSize = options.BatchSize == 0 ? options.EnsembleSize : Math.Min(options.BatchSize, options.EnsembleSize);
        int batches = (options.EnsembleSize + batchSize - 1) / batchSize;
        long units = 2 + batches * (options.Steps + 1), done = 0;
        void Advance() => progress?.Report(new WorkProgress(Math.Min(units, ++done), units));
        var timings = new StageTimings();
        var size = ProcessingSize.For(image.Width, image.Height, options.ProcessingResolution, refiner.Autoencoder.DownscaleFactor);

        var resized = timings.Time("resize", () => Resampling.Resize(image, size.Width, size.Height, ResizeFilter.Bilinear, antialias: true));
        // The prior sees the original photo, at its own working resolution (as Depth Anything would), not the
        // processing-size copy: resampling twice blurs wide images, whose short side the copy has already shrunk.
        var priorOutput = timings.Time("prior", () => prior.Predict(image, imageKey, ct));
        var priorDepth = timings.Time("resize", () => ResizeTo(priorOutput, size.Width, size.Height));
        Advance();
        var condition = timings.Time("condition", () => DepthCondition.FromPrior(priorDepth));
        ct.ThrowIfCancellationRequested();

        var members = new List<DepthMap>(options.EnsembleSize);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var device = refiner.Device;
            var (imageLatent, conditionLatent) = timings.Time("encode", () =>
            {
                using var rgb = PadTo(TensorConversions.ToTensor(resized, device), size);
                using var cond = PadTo(TensorConversions.ToTensor(condition, device), size);
                var zx = refiner.Autoencoder.EncodeImage(rgb);
                var zc = refiner.Conditioning == Conditioning.ImageAndDepth ? refiner.Autoencoder.EncodeDepth(cond) : null;
                return (zx, zc);
            });
            Advance();

            using var generator = new Generator((ulong)options.Seed, device);
            var timeStep = timings.DenoisingSteps();
            var denoiser = new LatentDenoiser(refiner)
            {
                StepReached = (step, point) =>
                {
                    timeStep(step, point);
                    if (point == DenoisingPoint.End) Advance();
                },
            };
            // Every member's starting noise is drawn up front, so member k is the same whatever the batch size.
            using var noise = denoiser.InitialNoise(imageLatent, options.EnsembleSize, generator);
            for (int first = 0; first < options.EnsembleSize; first += batchSize)
            {
                int count = Math.Min(batchSize, options.EnsembleSize - first);
                using var start = noise[TensorIndex.Slice(first, first + count)];
                using var latent = denoiser.Sample(imageLatent, conditionLatent, start, options.Steps, ct);
                timings.Time("decode", () =>
                {
                    using var decoded = refiner.Autoencoder.DecodeDepth(latent);
                    for (int m = 0; m < count; m++)
                    {
                        using var one = decoded[m, 0, TensorIndex.Slice(0, size.Height), TensorIndex.Slice(0, size.Width)];
                        // Decoded values live on the [-1, 1] scale; the output is disparity in [0, 1].
                        using var unit = one.Plus(1).Over(2).Clamped(0, 1);
                        members.Add(TensorConversions.ToDepthMap(unit, DepthKind.AffineDisparity));
                    }
                    return 0;
                });
                Advance();
            }
        }

        var (refined, uncertainty) = timings.Time("ensemble", () =>
        {
            if (members.Count == 1) return (members[0], (DepthMap?)null);
            var ensemble = DepthEnsemble.Reduce(members, options.Reduction);
            return (ensemble.Result, ensemble.Uncertainty);
        });
        if (options.PriorLayoutSigma > 0)
            refined = timings.Time("prior layout", () => PriorLayout.Fuse(refined, priorDepth, options.PriorLayoutSigma));

        return timings.Time("resize back", () => new RefinementResult(
            ResizeBack(refined, image),
            priorOutput,
            uncertainty is null ? null : ResizeBack(uncertainty, image),
            timings,
            image));
    }

    /// <summary>Edge-replicates the bottom and right so the autoencoder's factor divides both sides.</summary>
    static Tensor PadTo(Tensor x, ProcessingSize size)
    {
        if (size.PaddedWidth == size.Width && size.PaddedHeight == size.Height) return x.alias();
        return nn.functional.pad(x, [0, size.PaddedWidth - size.Width, 0, size.PaddedHeight - size.Height], PaddingModes.Replicate);
    }

    static DepthMap ResizeBack(DepthMap map, RgbImage original) => ResizeTo(map, original.Width, original.Height);

    static DepthMap ResizeTo(DepthMap map, int width, int height) =>
        map.Width == width && map.Height == height ? map : Resampling.Resize(map, width, height, ResizeFilter.Bilinear, antialias: true);
}
