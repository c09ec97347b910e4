using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BetterDepth.Refinement.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Slurm's <c>--array=0-(N-1)</c> and Kubernetes'
/// JOB_COMPLETION_INDEX count). An input belongs to shard <see cref="Of"/>(its output stem, N): a pure function of
/// the input and N, so every input is in exactly one shard whatever the other inputs are, in whatever order they
/// are listed, and no shard has to see (or count, or sort) the whole list before starting.
/// </summary>
/// <remarks>
/// Why a hash and not contiguous ranges of the sorted list: ranges need the whole list counted and sorted by every
/// shard before it starts (a million paths each time), and adding one file moves the range boundaries, so a rerun
/// after the data set grew would assign half the done inputs to other shards. The hash is of the output stem
/// (the relative path without extension, '/' separators) because the stem is what must be written exactly once:
/// two inputs that would write the same outputs (a.png and a.jpg) land in the same shard, which can then refuse
/// the second. The 64-bit key (the first 8 bytes of the stem's SHA-256) is mapped to a shard by jump consistent
/// hashing (Lamping and Veach 2014): shards are equal in expectation, and when N grows to N+1 an input either stays
/// where it was or moves to the new shard N, so only 1/(N+1) of the inputs change hands.
/// </remarks>
public readonly record struct ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole => new(0, 1);

    public bool Contains(string relativeStem) => Count == 1 || Of(relativeStem, Count) == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The shard (0..count-1) of the input whose outputs are <paramref name="relativeStem"/>.*.</summary>
    public static int Of(string relativeStem, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "the number of shards must be at least 1");
        return JumpHash(Key(relativeStem), count);
    }

    /// <summary>The stem as the partition sees it: '/' separators, no leading "./", so Windows and Linux agree.</summary>
    public static string Normalize(string relativeStem)
    {
        var s = relativeStem.Replace('\\', '/');
        while (s.StartsWith("./", StringComparison.Ordinal)) s = s[2..];
        return s;
    }

    static ulong Key(string relativeStem)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(relativeStem)), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>Jump consistent hash: "A Fast, Minimal Memory, Consistent Hash Algorithm", Lamping and Veach, 2014.</summary>
    static int JumpHash(ulong key, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked(key * 2862933555777941757UL + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }

    /// <summary>Parses "K/N" (0 &lt;= K &lt; N).</summary>
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new ArgumentException($"--shard must be K/N with 0 <= K < N (0-based, like Slurm array indices 0..N-1), got '{text}'");
        return Create(k, n, "--shard " + text);
    }

    static ShardSpec Create(int k, int n, string source)
    {
        if (n < 1) throw new ArgumentException($"{source}: the number of shards must be at least 1");
        if (k < 0 || k >= n) throw new ArgumentException($"{source}: shard index {k} is outside 0..{n - 1} (indices are 0-based)");
        return new ShardSpec(k, n);
    }

    /// <summary>
    /// The shard of this task of a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed Job
    /// (JOB_COMPLETION_INDEX). The count is <paramref name="count"/> when given; otherwise Slurm's
    /// SLURM_ARRAY_TASK_COUNT, accepted only when the array is 0..COUNT-1 (a resubmission of some indices, e.g.
    /// <c>--array=2</c>, has a count of 1 and must say N itself). Kubernetes does not tell the count: pass it.
    /// </summary>
    public static ShardSpec FromEnvironment(Func<string, string?> env, int? count)
    {
        static int? Int(string? s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (env("SLURM_ARRAY_TASK_ID") is { Length: > 0 } slurmId)
        {
            var k = Int(slurmId) ?? throw new ArgumentException($"SLURM_ARRAY_TASK_ID is not an index: '{slurmId}'");
            if (count is { } n) return Create(k, n, $"SLURM_ARRAY_TASK_ID={k} with --shards {n}");
            var taskCount = Int(env("SLURM_ARRAY_TASK_COUNT"));
            var min = Int(env("SLURM_ARRAY_TASK_MIN"));
            var max = Int(env("SLURM_ARRAY_TASK_MAX"));
            if (taskCount is not { } c || min != 0 || max != c - 1)
                throw new ArgumentException($"this Slurm array is not 0..N-1 (SLURM_ARRAY_TASK_MIN={min}, MAX={max}, COUNT={taskCount}), so the number of shards is unknown: pass --shards N (always needed when resubmitting some indices)");
            return Create(k, c, $"SLURM_ARRAY_TASK_ID={k} of SLURM_ARRAY_TASK_COUNT={c}");
        }
        if (env("JOB_COMPLETION_INDEX") is { Length: > 0 } jobIndex)
        {
            var k = Int(jobIndex) ?? throw new ArgumentException($"JOB_COMPLETION_INDEX is not an index: '{jobIndex}'");
            if (count is not { } n) throw new ArgumentException("JOB_COMPLETION_INDEX is set but Kubernetes does not tell the number of shards: pass --shards N (the Job's completions)");
            return Create(k, n, $"JOB_COMPLETION_INDEX={k} with --shards {n}");
        }
        throw new ArgumentException("--shard-from-env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (not running as a Slurm array task or a Kubernetes indexed Job)");
    }
}
