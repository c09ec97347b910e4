using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>How a checkpoint may differ from the module it is loaded into.</summary>
internal sealed record WeightLoadOptions
{
    /// <summary>Accept a conv_in with fewer input channels (e.g. SD's 4 for our 12) and widen it with <see cref="ConvInWidening"/>.</summary>
    public bool WidenConvIn { get; init; }
    /// <summary>Maps checkpoint names to module names (e.g. legacy VAE attention names); null = identity.</summary>
    public Func<string, string>? RenameKey { get; init; }
}

/// <summary>
/// Copies a checkpoint's tensors into a module's parameters by name. All problems are gathered first
/// and reported together by name (unexpected keys, missing keys, shape mismatches) as one
/// InvalidFileException naming the file; nothing is modified unless every tensor fits. A NaN or infinite weight is
/// found only while copying and also names the file.
/// </summary>
internal static class WeightLoader
{
    public const string ConvInKey = "conv_in.weight";

    public static void Load(nn.Module module, string path, WeightLoadOptions? options = null)
    {
        using var source = TensorSource.Open(path);
        Load(module, source, options);
    }

    public static void Load(nn.Module module, TensorSource source, WeightLoadOptions? options = null)
    {
        options ??= new WeightLoadOptions();
        var targets = module.state_dict();
        var rename = options.RenameKey ?? (k => k);
        var plan = new List<(string File, string Model)>();
        var unexpected = new List<string>();
        var mismatched = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var name in source.Names.OrderBy(n => n, StringComparer.Ordinal))
        {
            var target = rename(name);
            if (!targets.TryGetValue(target, out var param)) { unexpected.Add(name); continue; }
            if (!seen.Add(target)) { unexpected.Add($"{name} (second tensor for {target})"); continue; }
            var shape = source.ShapeOf(name);
            if (!Fits(target, shape, param.shape, options)) mismatched.Add($"{name} {Shape(shape)} vs model {Shape(param.shape)}");
            else plan.Add((name, target));
        }
        var missing = targets.Keys.Where(k => !seen.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();

        if (unexpected.Count + missing.Count + mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys ({missing.Count}): {NameList(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys ({unexpected.Count}): {NameList(unexpected)}");
            if (mismatched.Count > 0) parts.Add($"shape mismatches ({mismatched.Count}): {NameList(mismatched)}");
            throw new InvalidFileException(source.Path, $"does not fit {module.GetName()}: {string.Join("; ", parts)}");
        }

        using var noGrad = no_grad();
        foreach (var (fileName, modelName) in plan)
        {
            using var scope = NewDisposeScope();
            var param = targets[modelName];
            var value = source.Read(fileName);
            // A NaN weight makes every output NaN, and the error then surfaced at the output file it could not write.
            // It is the weights file's fault, so it is reported here, naming it. The module is left half-loaded; the
            // callers dispose it on any exception.
            if (!value.isfinite().all().item<bool>())
                throw new InvalidFileException(source.FileOf(fileName), $"tensor '{fileName}' contains NaN or infinity");
            if (!value.shape.SequenceEqual(param.shape))
                value = modelName == ConvInKey && value.shape[1] != param.shape[1] && options.WidenConvIn
                    ? ConvInWidening.Widen(value, param.shape[1])
                    : value.reshape(param.shape);
            param.copy_(value.to(param.dtype));
        }
    }

    /// <summary>Exact shapes fit; so does a 1x1 conv kernel for a linear weight (legacy VAE attention), and a narrower conv_in when widening.</summary>
    static bool Fits(string target, long[] file, long[] model, WeightLoadOptions options)
    {
        if (file.SequenceEqual(model)) return true;
        if (file.Length == model.Length + 2 && file[^2..].All(d => d == 1) && file[..model.Length].SequenceEqual(model)) return true;
        return options.WidenConvIn && target == ConvInKey && file.Length == 4 && model.Length == 4
            && file[0] == model[0] && file[2] == model[2] && file[3] == model[3] && file[1] > 0 && model[1] % file[1] == 0;
    }

    /// <summary>Writes a module's parameters and buffers as a safetensors file.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, module.state_dict(), metadata);

    internal static string NameList(IReadOnlyList<string> names, int max = 20) =>
        string.Join(", ", names.Take(max)) + (names.Count > max ? $", ... ({names.Count - max} more)" : "");

    static string Shape(long[] s) => $"[{string.Join(", ", s)}]";
}
