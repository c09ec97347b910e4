using BetterDepth.Compute;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth;

/// <summary>
/// BetterDepth in three lines, loaded from a refiner folder the way diffusers loads a pipeline from a checkpoint:
/// <code>
/// using var pipe = BetterDepthPipeline.FromPretrained("models/refiner");
/// var result = pipe.Refine("photo.jpg");
/// result.Save("out/photo");   // result.Refined, result.Prior, result.Uncertainty
/// </code>
/// The folder's refiner.json names its prior and its settings (<see cref="RefinerDefaults"/>); <see cref="PipelineOptions"/>
/// override them. The pipeline owns the prior and the refiner it holds and disposes them with itself. Each
/// <c>Refine</c> runs <see cref="RefinementPipeline"/> with <see cref="Options"/>.
/// </summary>
public sealed class BetterDepthPipeline : IDisposable
{
    RefinementOptions options;
    bool disposed;

    public IDepthPrior Prior { get; }
    public RefinerModel Refiner { get; }
    /// <summary>The prior spec <see cref="Prior"/> was made from.</summary>
    public string PriorSpec { get; }

    /// <summary>The settings each <c>Refine</c> uses; replace them (<c>pipe.Options with { Steps = 10 }</c>) to change them.</summary>
    public RefinementOptions Options
    {
        get => options;
        set { ArgumentNullException.ThrowIfNull(value); value.Validate(); options = value; }
    }

    /// <summary>Takes ownership of <paramref name="prior"/> and <paramref name="refiner"/>.</summary>
    public BetterDepthPipeline(IDepthPrior prior, RefinerModel refiner, RefinementOptions options, string? priorSpec = null)
    {
        Prior = prior ?? throw new ArgumentNullException(nameof(prior));
        Refiner = refiner ?? throw new ArgumentNullException(nameof(refiner));
        PriorSpec = priorSpec ?? prior.Name;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>
    /// Loads the refiner in <paramref name="refinerFolder"/> and the prior it names. The settings are resolved and
    /// checked first, so a bad option fails before any weights are read; a prior or refiner that fails to load
    /// leaves nothing loaded behind.
    /// </summary>
    public static BetterDepthPipeline FromPretrained(string refinerFolder, PipelineOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refinerFolder);
        options ??= new PipelineOptions();
        var (priorSpec, settings) = options.Resolve(RefinerDefaults.Read(refinerFolder));
        var device = TorchDevice.Parse(options.Device);
        var prior = PriorRegistry.Create(priorSpec);
        try
        {
            return new BetterDepthPipeline(prior, RefinerModel.Load(refinerFolder, device), settings, priorSpec);
        }
        catch
        {
            prior.Dispose();
            throw;
        }
    }

    /// <summary>Refines the PNG or JPEG at <paramref name="imagePath"/> (the path is also the file prior's key).</summary>
    public RefinementResult Refine(string imagePath, CancellationToken ct = default, IProgress<WorkProgress>? progress = null) =>
        Refine(ImageFile.ReadRgb(imagePath), imagePath, ct, progress);

    /// <summary>Refines a PNG or JPEG read to its end from <paramref name="image"/> (which stays open).</summary>
    public RefinementResult Refine(Stream image, CancellationToken ct = default, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bytes = new MemoryStream();
        image.CopyTo(bytes);
        return Refine(ImageFile.DecodeRgb(bytes.ToArray(), "(stream)"), null, ct, progress);
    }

    /// <param name="imageKey">The image's path, for priors that look their prediction up by file (file prior); others ignore it.</param>
    public RefinementResult Refine(RgbImage image, string? imageKey = null, CancellationToken ct = default, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return AsRefinementPipeline().Run(image, imageKey, ct, progress);
    }

    /// <summary>The step-by-step pipeline over these models with the current <see cref="Options"/>, for batch runs (<see cref="PredictionBatch"/>).</summary>
    public RefinementPipeline AsRefinementPipeline() => new(Prior, Refiner, options);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Refiner.Dispose();
        Prior.Dispose();
    }
}
