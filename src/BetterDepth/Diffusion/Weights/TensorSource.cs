using System.Text.Json;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// The tensors of one checkpoint, whether a single <c>.safetensors</c> file or a sharded set described
/// by a <c>*.safetensors.index.json</c> (<c>weight_map</c>: tensor name -> shard file next to the index).
/// </summary>
internal sealed class TensorSource : IDisposable
{
    readonly Dictionary<string, SafeTensorsFile> fileOf;
    readonly List<SafeTensorsFile> files;

    /// <summary>The path that was opened (the index for sharded checkpoints); used in error messages.</summary>
    public string Path { get; }
    public IReadOnlyCollection<string> Names => fileOf.Keys;

    TensorSource(string path, Dictionary<string, SafeTensorsFile> fileOf, List<SafeTensorsFile> files)
    {
        Path = path;
        this.fileOf = fileOf;
        this.files = files;
    }

    public static TensorSource Open(string path)
    {
        if (!File.Exists(path)) throw new InvalidFileException(path, "file not found");
        if (!path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
        {
            var file = SafeTensorsFile.Open(path);
            return new TensorSource(path, file.Entries.Keys.ToDictionary(k => k, _ => file, StringComparer.Ordinal), [file]);
        }
        return OpenSharded(path);
    }

    static TensorSource OpenSharded(string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidFileException(indexPath, "index has no weight_map object");
            weightMap = new(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                var shard = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new InvalidFileException(indexPath, $"weight_map entry '{p.Name}' is not a file name");
                if (shard.Contains('/') || shard.Contains('\\') || shard.Contains("..")) throw new InvalidFileException(indexPath, $"weight_map entry '{p.Name}' points outside the folder: '{shard}'");
                if (!weightMap.TryAdd(p.Name, shard)) throw new InvalidFileException(indexPath, $"tensor '{p.Name}' listed twice");
            }
        }
        catch (JsonException e) { throw new InvalidFileException(indexPath, $"index is not valid JSON: {e.Message}", e); }

        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var opened = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in weightMap.Values.Distinct())
            {
                var shardPath = System.IO.Path.Combine(dir, shard);
                if (!File.Exists(shardPath)) throw new InvalidFileException(indexPath, $"shard '{shard}' listed in weight_map does not exist");
                opened[shard] = SafeTensorsFile.Open(shardPath);
            }
            foreach (var (name, shard) in weightMap)
                if (!opened[shard].Entries.ContainsKey(name)) throw new InvalidFileException(indexPath, $"tensor '{name}' is mapped to '{shard}' but that file does not contain it");
            foreach (var (shard, file) in opened)
            {
                var unlisted = file.Entries.Keys.Where(k => !weightMap.TryGetValue(k, out var s) || s != shard).ToList();
                if (unlisted.Count > 0) throw new InvalidFileException(indexPath, $"shard '{shard}' holds tensors the weight_map does not assign to it: {WeightLoader.NameList(unlisted)}");
            }
            return new TensorSource(indexPath, weightMap.ToDictionary(kv => kv.Key, kv => opened[kv.Value], StringComparer.Ordinal), [.. opened.Values]);
        }
        catch
        {
            foreach (var f in opened.Values) f.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => fileOf.ContainsKey(name);
    public long[] ShapeOf(string name) => fileOf[name].Entries[name].Shape;
    public string FileOf(string name) => fileOf[name].Path;
    public Tensor Read(string name, Device? device = null) => fileOf[name].Read(name, device);

    public void Dispose()
    {
        foreach (var f in files) f.Dispose();
    }
}
