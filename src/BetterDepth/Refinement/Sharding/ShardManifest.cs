using System.Text.Json;
using System.Text.Json.Serialization;

namespace BetterDepth.Refinement.Sharding;

/// <summary>What happened to one input of a shard.</summary>
public sealed record ManifestEntry(string Stem, string Input, string Status, double Seconds, string? Reason = null)
{
    public const string Done = "done";
    public const string SkippedExisting = "skipped-existing";
    public const string Failed = "failed";

    /// <summary>Done now or found done by an earlier run: its files are all there.</summary>
    [JsonIgnore] public bool IsComplete => Status is Done or SkippedExisting;
}

/// <summary>
/// The account one shard gives of its work: every input of the shard it met, with its status and seconds, and the
/// shard's state (<c>running</c> while it works, then <c>finished</c>, <c>cancelled</c> or <c>crashed</c>). Written
/// atomically (<see cref="AtomicFile"/>), so a reader, or a shard killed with SIGKILL, leaves a whole earlier version.
/// One file per shard: <c>shard-K-of-N.json</c> in the manifest folder (by default OUTPUT/.shards).
/// </summary>
public sealed class ShardManifest
{
    public const string FormatName = "betterdepth-shard-manifest";
    public const string Running = "running", Finished = "finished", Cancelled = "cancelled", Crashed = "crashed";

    public string Format { get; set; } = FormatName;
    public int Version { get; set; } = 1;
    public int Shard { get; set; }
    public int Shards { get; set; }
    public string State { get; set; } = Running;
    public string Host { get; set; } = Environment.MachineName;
    public int Pid { get; set; } = Environment.ProcessId;
    public DateTime StartedUtc { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedUtc { get; set; } = DateTime.UtcNow;
    /// <summary>Inputs of every shard met while walking the input list (known once the shard has finished).</summary>
    public long? InputsSeen { get; set; }
    public List<ManifestEntry> Entries { get; set; } = [];

    [JsonIgnore] public ShardSpec Spec => new(Shard, Shards);

    public static string FileName(ShardSpec shard) => $"shard-{shard.Index}-of-{shard.Count}.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(string path)
    {
        UpdatedUtc = DateTime.UtcNow;
        AtomicFile.Write(path, s =>
        {
            // one entry per line: a person can read it, grep and wc work on it
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var entries = Entries;
            Entries = [];
            try
            {
                var head = JsonSerializer.Serialize(this, Json);
                w.Write(head[..head.LastIndexOf(']')]);
                for (int i = 0; i < entries.Count; i++)
                {
                    w.Write(i == 0 ? "\n  " : ",\n  ");
                    w.Write(JsonSerializer.Serialize(entries[i], Json));
                }
                w.Write("\n]}\n");
            }
            finally { Entries = entries; }
        });
    }

    public static ShardManifest Load(string path)
    {
        ShardManifest? m;
        try { m = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a shard manifest ({e.Message})", e); }
        if (m is null || m.Format != FormatName) throw new InvalidDataException($"{path}: not a shard manifest (format is not {FormatName})");
        if (m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards) throw new InvalidDataException($"{path}: shard {m.Shard}/{m.Shards} is not a shard");
        return m;
    }

    /// <summary>The manifests in <paramref name="folder"/> (or in its .shards subfolder, when given an output folder).</summary>
    public static IReadOnlyList<(string Path, ShardManifest Manifest)> LoadAll(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        var sub = Path.Combine(folder, ShardedPrediction.DefaultManifestFolder);
        if (Directory.Exists(sub)) folder = sub;
        return Directory.EnumerateFiles(folder, "shard-*-of-*.json").Order(StringComparer.Ordinal).Select(p => (p, Load(p))).ToList();
    }
}

/// <summary>
/// Keeps a shard's manifest on disk while it works: after each input, unless rewriting it would take more than about
/// 5% of the time (a manifest of many thousand entries is then rewritten every few seconds instead), and always at
/// the end. Thread-safe.
/// </summary>
internal sealed class ShardManifestWriter
{
    readonly object gate = new();
    readonly string path;
    readonly System.Diagnostics.Stopwatch sinceSave = System.Diagnostics.Stopwatch.StartNew();
    double lastSaveSeconds;

    public ShardManifest Manifest { get; }
    public string Path => path;

    public ShardManifestWriter(string path, ShardSpec shard)
    {
        this.path = path;
        Manifest = new ShardManifest { Shard = shard.Index, Shards = shard.Count };
        Save();
        lastSaveSeconds = 0;   // the first save's time is mostly the JSON serializer warming up
    }

    public void Add(ManifestEntry entry)
    {
        lock (gate)
        {
            Manifest.Entries.Add(entry);
            if (sinceSave.Elapsed.TotalSeconds >= 20 * lastSaveSeconds) Save();
        }
    }

    public void Finish(string state, long inputsSeen)
    {
        lock (gate)
        {
            Manifest.State = state;
            Manifest.InputsSeen = inputsSeen;
            Save();
        }
    }

    void Save()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Manifest.Save(path);
        lastSaveSeconds = clock.Elapsed.TotalSeconds;
        sinceSave.Restart();
    }
}
