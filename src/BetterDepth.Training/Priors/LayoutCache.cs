using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Priors.Learned;
using static TorchSharp.torch;

namespace BetterDepth.Training.Priors;

/// <summary>
/// The layout corrector's training cache: the frozen prior runs once per scene, and image, prior disparity and
/// ground-truth disparity at the prior's output grid go to OUT/cache/N.safetensors, one file per training set, tagged
/// with the prior's content hash and the set's identity so that a cache is never read for another prior or folder.
/// </summary>
static class LayoutCache
{
    const string Format = "betterdepth-layout-cache";

    /// <summary>
    /// The caches of <paramref name="data"/> under <paramref name="outDir"/>, each built on first use (by running
    /// <paramref name="prior"/>) and checked against <paramref name="priorIdentity"/> and its set's identity after that;
    /// all of them loaded as one set of scenes.
    /// </summary>
    public static CachedScenes Prepare(PriorCnn prior, string priorIdentity, IReadOnlyList<LayoutCorrectorTrainer.Data> data, string outDir,
                                       Device device, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        var paths = new List<string>();
        for (int i = 0; i < data.Count; i++)
        {
            var path = Path.Combine(outDir, "cache", $"{i}.safetensors");
            if (File.Exists(path)) Check(path, priorIdentity, data[i].Identity);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                Build(prior, data[i].Source, path, device, priorIdentity, data[i].Identity, progress, ct);
            }
            paths.Add(path);
        }
        return Load(paths);
    }

    /// <summary>Runs <paramref name="prior"/> over every sample of <paramref name="source"/> (at the prior's working size) and writes the cache.</summary>
    static void Build(PriorCnn prior, IPriorTrainingSource source, string cachePath, Device device, string priorIdentity, string dataIdentity,
                      IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        int width = prior.Config.Width, height = prior.Config.Height, chunk = 16;
        var images = new List<Tensor>(); var priors = new List<Tensor>(); var targets = new List<Tensor>(); var valids = new List<Tensor>();
        prior.eval();
        try
        {
            for (int start = 0; start < source.Count; start += chunk)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var samples = Enumerable.Range(start, Math.Min(chunk, source.Count - start)).Select(source.Get).ToList();
                foreach (var s in samples)
                    if (s.Image.Width != width || s.Image.Height != height)
                        throw new ArgumentException($"scene of {s.Image.Width}x{s.Image.Height}; the cache needs scenes at the prior's working size {width}x{height}");
                var input = PriorInput.Batch([.. samples.Select(s => s.Image)], width, height, device);
                var disparity = prior.forward(input);
                var depth = stack(samples.Select(s => tensor(s.Depth.Values, [1, height, width]))).to(device);
                var ok = stack(samples.Select(s => tensor(s.Valid, [1, height, width]))).to(device).to(ScalarType.Float32) * depth.Greater(0).to(ScalarType.Float32);
                var target = ok / depth.AtLeast(1e-6);
                var count = nn.functional.avg_pool2d(ok, LayoutCorrector.InputStride);
                var meanTarget = nn.functional.avg_pool2d(target, LayoutCorrector.InputStride) / count.AtLeast(1e-6);
                images.Add(LayoutCorrector.ToInputGrid(input).cpu().MoveToOuterDisposeScope());
                priors.Add(LayoutCorrector.ToInputGrid(disparity).cpu().MoveToOuterDisposeScope());
                targets.Add(meanTarget.cpu().MoveToOuterDisposeScope());
                // A cell counts when at least half its pixels have depth (the count is a multiple of 1/16).
                valids.Add(count.Greater(0.5 - 1.0 / 32).to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
                progress?.Report(new WorkProgress(Math.Min(start + chunk, source.Count), source.Count, "caching the prior"));
            }
            using var all = new CachedScenes(cat(images, 0), cat(priors, 0), cat(targets, 0), cat(valids, 0));
            var metadata = new Dictionary<string, string>
            {
                ["format"] = Format,
                ["working_size"] = $"{width}x{height}",
                ["prior"] = priorIdentity,
                ["data"] = dataIdentity,
            };
            // Written beside, then renamed: a killed run leaves no cache that looks complete.
            var partial = cachePath + ".partial";
            SafeTensorsWriter.Write(partial, CachedScenes.Keys.Zip(all.Tensors, KeyValuePair.Create), metadata);
            File.Move(partial, cachePath, overwrite: true);
        }
        finally
        {
            foreach (var t in images.Concat(priors).Concat(targets).Concat(valids)) t.Dispose();
        }
    }

    static void Check(string path, string priorIdentity, string dataIdentity)
    {
        using var file = SafeTensorsFile.Open(path);
        if (file.Metadata.GetValueOrDefault("prior") != priorIdentity)
            throw new InvalidFileException(path, "cached for another prior than --weights; delete the run's cache folder or choose another output");
        if (file.Metadata.GetValueOrDefault("data") != dataIdentity)
            throw new InvalidFileException(path, $"cached from {file.Metadata.GetValueOrDefault("data")}, not {dataIdentity}; give the run's --data folders in the same order");
    }

    static CachedScenes Load(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no cache files");
        var parts = new List<Tensor>[4] { [], [], [], [] };
        string? size = null;
        foreach (var path in paths)
        {
            using var file = SafeTensorsFile.Open(path);
            if (file.Metadata.GetValueOrDefault("format") != Format)
                throw new InvalidFileException(path, "not a layout-corrector cache (made by train-layout)");
            var s = file.Metadata.GetValueOrDefault("working_size");
            if (size is not null && s != size) throw new InvalidFileException(path, $"cache of working size {s}, the others are {size}");
            size = s;
            for (int i = 0; i < 4; i++) parts[i].Add(file.Read(CachedScenes.Keys[i]));
        }
        Tensor Join(List<Tensor> list) { var t = cat(list, 0); foreach (var p in list) p.Dispose(); return t; }
        return new CachedScenes(Join(parts[0]), Join(parts[1]), Join(parts[2]), Join(parts[3]));
    }
}

/// <summary>The cache's four tensors, all at the prior's output grid, scenes along the first axis.</summary>
sealed record CachedScenes(Tensor Image, Tensor Prior, Tensor Target, Tensor Valid) : IDisposable
{
    public static readonly string[] Keys = ["image", "prior", "target", "valid"];
    public Tensor[] Tensors => [Image, Prior, Target, Valid];
    public void Dispose() { foreach (var t in Tensors) t.Dispose(); }
}
