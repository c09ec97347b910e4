using System.Globalization;
using BetterDepth.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// The learned prior's weights file: safetensors with one F32 tensor per state-dict key and the network
/// configuration in "__metadata__", so a file alone rebuilds the network it came from.
/// </summary>
public static class PriorWeights
{
    const string FormatTag = "betterdepth-prior-cnn";

    public static void Save(PriorCnn model, string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var tensors = new Dictionary<string, SafeTensorsLite.Entry>(StringComparer.Ordinal);
        foreach (var (name, t) in model.state_dict())
        {
            using var cpu = t.detach().to(CPU).to(ScalarType.Float32).contiguous();
            tensors[name] = new SafeTensorsLite.Entry(cpu.shape, cpu.data<float>().ToArray());
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatTag,
            ["base_channels"] = model.Config.BaseChannels.ToString(CultureInfo.InvariantCulture),
            ["width"] = model.Config.Width.ToString(CultureInfo.InvariantCulture),
            ["height"] = model.Config.Height.ToString(CultureInfo.InvariantCulture),
            ["output"] = "affine_disparity",
        };
        if (extraMetadata is not null) foreach (var (k, v) in extraMetadata) metadata.TryAdd(k, v);
        AtomicWrite(path, s => SafeTensorsLite.Write(s, tensors, metadata));
    }

    /// <summary>Builds the network described by the file and loads every weight; any mismatch names the file and key.</summary>
    public static PriorCnn Load(string path, Device? device = null)
    {
        var (tensors, metadata) = SafeTensorsLite.Read(path);
        if (!metadata.TryGetValue("format", out var format) || format != FormatTag)
            throw new InvalidFileException(path, $"not a learned-prior weights file (metadata 'format' is '{format ?? "missing"}', expected '{FormatTag}')");
        var config = new PriorCnnConfig(MetaInt(path, metadata, "base_channels"), MetaInt(path, metadata, "width"), MetaInt(path, metadata, "height"));
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidFileException(path, $"metadata describes an impossible network: {e.Message}", e); }

        var model = new PriorCnn(config);
        try
        {
            LoadInto(model, tensors, path);
            if (device is not null) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies the file's tensors into <paramref name="model"/>, requiring the exact same keys and shapes.</summary>
    static void LoadInto(PriorCnn model, Dictionary<string, SafeTensorsLite.Entry> tensors, string path)
    {
        var state = model.state_dict();
        foreach (var key in tensors.Keys)
            if (!state.ContainsKey(key)) throw new InvalidFileException(path, $"unexpected weight '{key}' (not part of the network)");
        using var noGrad = no_grad();
        foreach (var (key, target) in state)
        {
            if (!tensors.TryGetValue(key, out var entry)) throw new InvalidFileException(path, $"missing weight '{key}'");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidFileException(path, $"weight '{key}' has shape [{string.Join(", ", entry.Shape)}], the network needs [{string.Join(", ", target.shape)}]");
            if (entry.Values.Any(v => !float.IsFinite(v))) throw new InvalidFileException(path, $"weight '{key}' contains NaN or infinity");
            using var source = tensor(entry.Values, entry.Shape);
            target.copy_(source);
        }
    }

    static int MetaInt(string path, Dictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new InvalidFileException(path, $"metadata '{key}' is missing or not an integer");

    /// <summary>Temp file in the same folder, then rename: a crash never leaves a half-written weights file.</summary>
    internal static void AtomicWrite(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
