using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Training;

/// <summary>
/// The samples of a training mix at the training resolution, each already through Algorithm 1 steps 1-3
/// (label normalised, prior pre-aligned, patch mask). The prior runs once per sample (its predictions are
/// cached on disk by the prior cache, and prepared samples are kept in memory), since it is frozen.
/// </summary>
public sealed class TrainingSource
{
    readonly IReadOnlyList<(string Name, EvaluationDataset Dataset, int[] Indices, double Weight)> parts;
    readonly IDepthPrior prior;
    readonly TrainingRecipe recipe;
    readonly int width, height;
    readonly Dictionary<(int, int), PreparedSample> prepared = new();
    readonly double totalWeight;

    /// <summary>Ground truth at training resolution of the sample being prepared, by image key, for priors made from it (<see cref="Priors.GroundTruthLookupPrior"/>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, (DepthMap Depth, bool[] Valid)> GroundTruthByKey { get; }

    public TrainingSource(IReadOnlyList<(string Name, EvaluationDataset Dataset, double Weight, int? MaxSamples)> datasets, IDepthPrior prior, TrainingRecipe recipe, int width, int height, int seed,
        System.Collections.Concurrent.ConcurrentDictionary<string, (DepthMap Depth, bool[] Valid)>? groundTruthByKey = null)
    {
        GroundTruthByKey = groundTruthByKey ?? new();
        if (datasets.Count == 0) throw new ArgumentException("no training datasets");
        if (!prior.OutputKind.IsDisparityLike() && !prior.OutputKind.IsDepthLike())
            throw new ArgumentException($"prior '{prior.Name}' gives {prior.OutputKind}, not depth or disparity");
        this.prior = prior;
        this.recipe = recipe;
        this.width = width;
        this.height = height;
        parts = datasets.Select(d =>
        {
            if (d.Dataset.Samples.Count == 0) throw new ArgumentException($"training dataset '{d.Name}' has no samples");
            var order = Enumerable.Range(0, d.Dataset.Samples.Count).ToArray();
            // BetterDepth-400 / -2K: a seeded random subset, the same for every run with this seed.
            new Random(seed).Shuffle(order);
            var indices = d.MaxSamples is int n ? order.Take(n).Order().ToArray() : order.Order().ToArray();
            return (d.Name, d.Dataset, indices, d.Weight);
        }).ToList();
        totalWeight = parts.Sum(p => p.Weight);
    }

    public int Count => parts.Sum(p => p.Indices.Length);
    public int Width => width;
    public int Height => height;

    /// <summary>Draws a dataset by its weight, then a sample uniformly from it.</summary>
    public (int Part, int Index) Draw(Random rng)
    {
        double u = rng.NextDouble() * totalWeight;
        int part = 0;
        while (part < parts.Count - 1 && u >= parts[part].Weight) { u -= parts[part].Weight; part++; }
        return (part, rng.Next(parts[part].Indices.Length));
    }

    public PreparedSample Get(int part, int index, CancellationToken ct = default)
    {
        lock (prepared)
            if (prepared.TryGetValue((part, index), out var cached)) return cached;
        var sample = Prepare(part, index, ct);
        lock (prepared) prepared[(part, index)] = sample;
        return sample;
    }

    /// <summary>Prepares every sample once up front (the prior dominates), reporting progress.</summary>
    public void Warm(IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        int total = Count, done = 0;
        for (int p = 0; p < parts.Count; p++)
            for (int i = 0; i < parts[p].Indices.Length; i++)
            {
                ct.ThrowIfCancellationRequested();
                Get(p, i, ct);
                progress?.Report(new WorkProgress(++done, total, "prior + Algorithm 1"));
            }
    }

    PreparedSample Prepare(int part, int index, CancellationToken ct)
    {
        var (name, dataset, indices, _) = parts[part];
        var sample = dataset.Samples[indices[index]];
        var image = ImageFile.ReadRgb(Path.GetFullPath(Path.Combine(dataset.DataDir, sample.RgbPath)));
        var gt = sample.LoadGroundTruth();
        if (gt.Depth.Width != image.Width || gt.Depth.Height != image.Height)
            throw new InvalidFileException(sample.RgbPath, $"image is {image.Width}x{image.Height} but its ground truth is {gt.Depth.Width}x{gt.Depth.Height}");
        if (image.Width != width || image.Height != height)
        {
            image = Resampling.Resize(image, width, height, ResizeFilter.Bilinear, antialias: true);
            // Nearest keeps depth edges sharp: interpolating across an occlusion invents depths that exist nowhere.
            var depth = Resampling.Resize(gt.Depth, width, height, ResizeFilter.Nearest, antialias: false);
            gt = new GroundTruth(depth, Resampling.ResizeMask(gt.Valid, gt.Depth.Width, gt.Depth.Height, width, height));
        }
        // The key is the image's dataset-relative path: file priors find their prediction by it (a/b/c.jpg -> a/b/c.npy),
        // the degraded-ground-truth prior its label (filled in just before the call).
        var key = sample.RgbPath;
        GroundTruthByKey[key] = (gt.Depth, gt.Valid);
        DepthMap priorOutput;
        try { priorOutput = prior.Predict(image, key, ct); }
        finally { GroundTruthByKey.TryRemove(key, out _); } // only needed during the call; keep no second copy of the data
        if (priorOutput.Width != width || priorOutput.Height != height)
            priorOutput = Resampling.Resize(priorOutput, width, height, ResizeFilter.Bilinear, antialias: true);
        var priorDisparity = DepthCondition.AsDisparity(priorOutput);
        return TrainingTargets.Prepare(image, gt.Depth.WithKind(DepthKind.Depth), gt.Valid, priorDisparity, recipe);
    }
}
