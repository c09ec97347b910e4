namespace BetterDepth.Priors;

/// <summary>
/// Builds a prior from a spec string <c>NAME:ARGUMENT</c> (e.g. <c>depth-anything-v2:models/da2_vits.onnx</c>,
/// <c>file:predictions/</c>, <c>flip:learned</c>: another spec averaged with its mirror image) or a bare path (an <c>.onnx</c> file: preset inferred; a folder: file prior).
/// A new kind of prior is one more line in <see cref="Factories"/>.
/// </summary>
public static class PriorRegistry
{
    static readonly Dictionary<string, Func<string, PriorOptions, IDepthPrior>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["onnx"] = (model, o) => new OnnxDepthPrior(model, null, o.Threads),
        ["file"] = (folder, o) => new FilePrior(folder, o.FileKind, o.ImageRoot, o.FileMetresPerUnit),
        ["learned"] = (weights, _) => new Learned.LearnedPrior(weights.Length == 0 ? Learned.LearnedPrior.FindDefaultWeights() : weights),
        [FlipAveragedPrior.SpecName] = (inner, o) => Flipped(Build(inner.Length == 0 ? "learned" : inner, o)),
    };

    static PriorRegistry()
    {
        foreach (var preset in OnnxPreset.All)
            Factories[preset.Name] = (model, o) => new OnnxDepthPrior(model, preset, o.Threads);
    }

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static IDepthPrior Create(string spec, PriorOptions? options = null)
    {
        options ??= new PriorOptions();
        if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("empty prior spec", nameof(spec));
        var prior = Build(spec, options);
        return options.CacheFolder is null ? prior : new CachedPrior(prior, options.CacheFolder);
    }

    static IDepthPrior Build(string spec, PriorOptions options)
    {
        int colon = spec.IndexOf(':');
        if (colon > 0 && Factories.TryGetValue(spec[..colon], out var named)) return named(spec[(colon + 1)..], options);
        if (Factories.TryGetValue(spec, out var bare)) return bare("", options);
        if (spec.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return Factories["onnx"](spec, options);
        if (Directory.Exists(spec)) return Factories["file"](spec, options);
        throw new ArgumentException($"unknown prior '{spec}': use NAME:ARGUMENT with NAME one of {string.Join(", ", Factories.Keys)}, a .onnx file or a folder of predictions");
    }

    static IDepthPrior Flipped(IDepthPrior inner)
    {
        try { return new FlipAveragedPrior(inner); }
        catch { inner.Dispose(); throw; }
    }
}
