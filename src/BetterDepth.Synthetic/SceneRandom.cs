namespace BetterDepth.Synthetic;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a fully specified generator, so a seed gives the same scene on
/// every machine and .NET version (System.Random's algorithm is an implementation detail).
/// </summary>
internal sealed class SceneRandom
{
    ulong s0, s1, s2, s3;

    public SceneRandom(ulong seed)
    {
        ulong sm = seed;
        s0 = SplitMix64(ref sm); s1 = SplitMix64(ref sm); s2 = SplitMix64(ref sm); s3 = SplitMix64(ref sm);
    }

    /// <summary>SplitMix64 step: advances <paramref name="state"/> and returns a well-mixed 64-bit value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The seed of item <paramref name="index"/> of a run started with <paramref name="runSeed"/>: independent of how many items the run has.</summary>
    public static long Derive(long runSeed, long index)
    {
        ulong state = (ulong)runSeed;
        ulong a = SplitMix64(ref state);
        state = a ^ ((ulong)index * 0xD1B54A32D192ED03UL);
        return (long)SplitMix64(ref state);
    }

    public ulong NextULong()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Range(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int Int(int min, int maxExclusive)
    {
        if (maxExclusive <= min) throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"empty range [{min}, {maxExclusive})");
        return min + (int)((NextULong() >> 11) % (ulong)(maxExclusive - min));
    }

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    /// <summary>A colour near <paramref name="baseColor"/>, each channel scaled by up to +-<paramref name="spread"/>.</summary>
    public Vec3 Jitter(Vec3 baseColor, double spread) =>
        new(Math.Clamp(baseColor.X * Range(1 - spread, 1 + spread), 0, 1),
            Math.Clamp(baseColor.Y * Range(1 - spread, 1 + spread), 0, 1),
            Math.Clamp(baseColor.Z * Range(1 - spread, 1 + spread), 0, 1));
}
