namespace BetterDepth.Refinement.Sharding;

/// <summary>
/// The manifests of all shards merged into one account. An input (output stem) is complete when any manifest records
/// it done or skipped-existing; it is failed when manifests record it only as failed; when the expected inputs are
/// given, one that no manifest mentions is missing. The shards of the current layout (the N of the most recently
/// updated manifest) are checked too: a shard without a manifest, or whose manifest is not <c>finished</c> (still
/// running, cancelled, killed), is incomplete. Manifests of another N still count for the inputs they completed, so
/// a job rerun with a different N is credited with what the earlier one did.
/// </summary>
public sealed class ShardSummary
{
    public int Shards { get; private init; }
    public int ManifestCount { get; private init; }
    public int Complete { get; private init; }
    public int Done { get; private init; }
    public int SkippedExisting { get; private init; }
    public IReadOnlyList<ManifestEntry> Failed { get; private init; } = [];
    public IReadOnlyList<string> Missing { get; private init; } = [];
    /// <summary>Shards of the current layout that have no finished manifest, with why.</summary>
    public IReadOnlyList<(int Index, string Problem)> IncompleteShards { get; private init; } = [];
    /// <summary>Stems written (status done) by more than one manifest: work done twice.</summary>
    public IReadOnlyList<string> DoneTwice { get; private init; } = [];
    public double Seconds { get; private init; }

    public bool IsComplete => Failed.Count == 0 && Missing.Count == 0 && IncompleteShards.Count == 0;

    /// <summary>The array indices to run again: shards with no finished manifest, or with failed inputs.</summary>
    public IReadOnlyList<int> RerunIndices { get; private init; } = [];

    public static ShardSummary Merge(IReadOnlyList<ShardManifest> manifests, IEnumerable<string>? expectedStems = null)
    {
        if (manifests.Count == 0) throw new ArgumentException("no shard manifests (shard-K-of-N.json) found");
        var current = manifests.MaxBy(m => m.UpdatedUtc)!.Shards;
        var best = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        var shardOfFailure = new Dictionary<string, int>(StringComparer.Ordinal);
        var doneCount = new Dictionary<string, int>(StringComparer.Ordinal);
        double seconds = 0;
        foreach (var m in manifests)
            foreach (var e in m.Entries)
            {
                seconds += e.Seconds;
                if (e.Status == ManifestEntry.Done) doneCount[e.Stem] = doneCount.GetValueOrDefault(e.Stem) + 1;
                if (!best.TryGetValue(e.Stem, out var had) || (!had.IsComplete && e.IsComplete)
                    || (had.Status == ManifestEntry.SkippedExisting && e.Status == ManifestEntry.Done))
                    best[e.Stem] = e;
                if (e.Status == ManifestEntry.Failed && m.Shards == current) shardOfFailure[e.Stem] = m.Shard;
            }

        var incomplete = new List<(int, string)>();
        var byIndex = manifests.Where(m => m.Shards == current).GroupBy(m => m.Shard).ToDictionary(g => g.Key, g => g.MaxBy(m => m.UpdatedUtc)!);
        for (int k = 0; k < current; k++)
        {
            if (!byIndex.TryGetValue(k, out var m)) incomplete.Add((k, "no manifest: the shard never started, or was killed before writing one"));
            else if (m.State != ShardManifest.Finished)
                incomplete.Add((k, m.State == ShardManifest.Running
                    ? $"still running, or killed (pid {m.Pid} on {m.Host}, last update {m.UpdatedUtc:u})"
                    : $"{m.State} (last update {m.UpdatedUtc:u})"));
        }

        var missing = new List<string>();
        if (expectedStems is not null)
            foreach (var stem in expectedStems)
                if (!best.ContainsKey(ShardSpec.Normalize(stem))) missing.Add(ShardSpec.Normalize(stem));

        var failed = best.Values.Where(e => e.Status == ManifestEntry.Failed).OrderBy(e => e.Stem, StringComparer.Ordinal).ToList();
        var rerun = new SortedSet<int>(incomplete.Select(i => i.Item1));
        foreach (var f in failed) rerun.Add(shardOfFailure.TryGetValue(f.Stem, out var k) ? k : ShardSpec.Of(f.Stem, current));
        foreach (var stem in missing) rerun.Add(ShardSpec.Of(stem, current));

        return new ShardSummary
        {
            Shards = current,
            ManifestCount = manifests.Count,
            Complete = best.Values.Count(e => e.IsComplete),
            Done = best.Values.Count(e => e.Status == ManifestEntry.Done),
            SkippedExisting = best.Values.Count(e => e.Status == ManifestEntry.SkippedExisting),
            Failed = failed,
            Missing = missing,
            IncompleteShards = incomplete,
            DoneTwice = doneCount.Where(kv => kv.Value > 1).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList(),
            RerunIndices = rerun.ToList(),
            Seconds = seconds,
        };
    }
}
