using System.Text.Json.Nodes;
using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// How a refiner folder asks to be run, from the <c>defaults</c> object of its refiner.json (diffusers' Marigold
/// pipelines keep the same in model_index.json as default_denoising_steps and default_processing_resolution):
/// <code>
/// "defaults": {
///   "prior": { "kind": "learned", "path": "../prior-cnn" },
///   "denoising_steps": 2, "ensemble_size": 1, "processing_resolution": 256, "prior_layout_sigma": 8
/// }
/// </code>
/// The prior's path is relative to the refiner folder, so the folder works from any working directory and moves
/// together with its prior. Every field is optional; without a processing resolution the training resolution
/// (<c>training.resolution</c>, "WxH") stands in, since that is what the folder's figures were measured at.
/// </summary>
public sealed record RefinerDefaults
{
    /// <summary>A prior spec for <see cref="Priors.PriorRegistry"/> (its path made absolute), or null.</summary>
    public string? Prior { get; init; }

    /// <summary>The refiner.json that named <see cref="Prior"/> and the file or folder it points to (null without a path).</summary>
    string? priorManifest, priorPath;
    public int? Steps { get; init; }
    public int? EnsembleSize { get; init; }
    public int? ProcessingResolution { get; init; }
    public double? PriorLayoutSigma { get; init; }

    public static readonly RefinerDefaults None = new();

    /// <summary>The folder's defaults; a folder without refiner.json (a bare diffusers checkpoint) has none.</summary>
    public static RefinerDefaults Read(string folder)
    {
        var path = Path.Combine(folder, RefinerModel.ManifestName);
        if (!File.Exists(path)) return None;
        return RefinerModel.FromManifest(path, node =>
        {
            var manifest = node as JsonObject ?? throw new InvalidFileException(path, "not a JSON object");
            var trained = TrainedLongSide(manifest);
            if (manifest["defaults"] is null) return None with { ProcessingResolution = trained };
            var defaults = manifest["defaults"] as JsonObject ?? throw new InvalidFileException(path, "defaults must be an object");
            // a misspelt key would otherwise be a default silently not applied
            var unknown = defaults.Select(p => p.Key).Except(["prior", "denoising_steps", "ensemble_size", "processing_resolution", "prior_layout_sigma"]).ToList();
            if (unknown.Count > 0) throw new InvalidFileException(path, $"defaults: unknown key '{unknown[0]}' (prior, denoising_steps, ensemble_size, processing_resolution, prior_layout_sigma)");
            int? Number(string key, int least)
            {
                var value = defaults[key]?.GetValue<int>();
                return value is null || value >= least ? value : throw new InvalidFileException(path, $"defaults.{key} must be >= {least}, got {value}");
            }
            double? Sigma()
            {
                var value = defaults["prior_layout_sigma"]?.GetValue<double>();
                return value is null || (value >= 0 && value <= RefinementOptions.MaxPriorLayoutSigma) ? value
                    : throw new InvalidFileException(path, $"defaults.prior_layout_sigma must be from 0 to {RefinementOptions.MaxPriorLayoutSigma}, got {value}");
            }
            string? prior = null, priorPath = null;
            if (defaults["prior"] is not null)
                prior = PriorSpec(defaults["prior"] as JsonObject ?? throw new InvalidFileException(path, "defaults.prior must be an object {kind, path}"), folder, path, out priorPath);
            return new RefinerDefaults
            {
                Prior = prior,
                priorManifest = path,
                priorPath = priorPath,
                Steps = Number("denoising_steps", 1),
                EnsembleSize = Number("ensemble_size", 1),
                ProcessingResolution = Number("processing_resolution", 0) ?? trained,
                PriorLayoutSigma = Sigma(),
            };
        });
    }

    /// <summary>
    /// The <c>defaults.prior</c> entry that names <paramref name="spec"/> (as a working-directory-relative
    /// <see cref="Priors.PriorRegistry"/> spec) from a refiner saved in <paramref name="folder"/>: the inverse of reading it.
    /// Null for a spec only training can build (the degraded prior needs each sample's ground truth) or one the entry
    /// cannot express (a nested spec such as flip:learned:PATH).
    /// </summary>
    public static JsonObject? PriorEntry(string spec, string folder)
    {
        int colon = spec.IndexOf(':');
        var (kind, argument) = colon > 0 ? (spec[..colon], spec[(colon + 1)..]) : (spec, "");
        bool known = Priors.PriorRegistry.Names.Contains(kind, StringComparer.OrdinalIgnoreCase)
            && !string.Equals(kind, Priors.FlipAveragedPrior.SpecName, StringComparison.OrdinalIgnoreCase);
        if (!known) return null;
        var entry = new JsonObject { ["kind"] = kind };
        if (argument.Length > 0)
            entry["path"] = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(argument)).Replace('\\', '/');
        return entry;
    }

    /// <summary>
    /// <see cref="Prior"/>, once its file is known to exist. Checked where the default is used rather than when the
    /// folder is read, so a refiner moved without its prior still runs with --prior; when it is used, the error names
    /// the refiner.json that pointed at the missing file, not only the file.
    /// </summary>
    public string? CheckedPrior()
    {
        if (priorPath is not null && !File.Exists(priorPath) && !Directory.Exists(priorPath))
            throw new InvalidFileException(priorManifest!, $"defaults.prior names {priorPath}, which does not exist (keep the prior beside the refiner folder, or pass --prior)");
        return Prior;
    }

    static string PriorSpec(JsonObject prior, string folder, string manifestPath, out string? absolutePath)
    {
        var kind = prior["kind"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(kind)) throw new InvalidFileException(manifestPath, "defaults.prior.kind must name a prior (e.g. learned)");
        var relative = prior["path"]?.GetValue<string>();
        absolutePath = relative is null ? null : Path.GetFullPath(relative, Path.GetFullPath(folder));
        return absolutePath is null ? kind : $"{kind}:{absolutePath}";
    }

    static int? TrainedLongSide(JsonObject manifest)
    {
        var parts = manifest["training"]?["resolution"]?.GetValue<string>()?.Split('x');
        return parts is [var w, var h] && int.TryParse(w, out var width) && int.TryParse(h, out var height) && width > 0 && height > 0
            ? Math.Max(width, height) : null;
    }
}
