namespace BetterDepth.Synthetic;

/// <summary>
/// Lattice value noise: random values at integer points (an integer hash, so it is a pure function of the
/// position and needs no tables), smoothly interpolated; <see cref="Fbm"/> sums octaves for wood, marble, grime.
/// </summary>
internal static class ValueNoise
{
    /// <summary>A well-mixed hash of three integers and a salt, in [0, 1).</summary>
    public static double Hash(long x, long y, long z, long salt = 0)
    {
        ulong h = (ulong)x * 0x9E3779B97F4A7C15UL ^ (ulong)y * 0xC2B2AE3D27D4EB4FUL ^ (ulong)z * 0x165667B19E3779F9UL ^ (ulong)salt * 0xD6E8FEB86659FD93UL;
        h ^= h >> 32; h *= 0xD6E8FEB86659FD93UL;
        h ^= h >> 32; h *= 0xD6E8FEB86659FD93UL;
        h ^= h >> 32;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    public static double Noise(Vec3 p, long salt = 0)
    {
        double fx = Math.Floor(p.X), fy = Math.Floor(p.Y), fz = Math.Floor(p.Z);
        long ix = (long)fx, iy = (long)fy, iz = (long)fz;
        double tx = Smooth(p.X - fx), ty = Smooth(p.Y - fy), tz = Smooth(p.Z - fz);
        double Lerp(double a, double b, double t) => a + (b - a) * t;
        double x00 = Lerp(Hash(ix, iy, iz, salt), Hash(ix + 1, iy, iz, salt), tx);
        double x10 = Lerp(Hash(ix, iy + 1, iz, salt), Hash(ix + 1, iy + 1, iz, salt), tx);
        double x01 = Lerp(Hash(ix, iy, iz + 1, salt), Hash(ix + 1, iy, iz + 1, salt), tx);
        double x11 = Lerp(Hash(ix, iy + 1, iz + 1, salt), Hash(ix + 1, iy + 1, iz + 1, salt), tx);
        return Lerp(Lerp(x00, x10, ty), Lerp(x01, x11, ty), tz);
    }

    /// <summary>Fractal sum of <paramref name="octaves"/> octaves, normalised to [0, 1).</summary>
    public static double Fbm(Vec3 p, int octaves = 4, long salt = 0)
    {
        double sum = 0, amplitude = 0.5, total = 0;
        for (int i = 0; i < octaves; i++)
        {
            sum += amplitude * Noise(p, salt + i);
            total += amplitude;
            p *= 2.03;
            amplitude *= 0.5;
        }
        return sum / total;
    }

    static double Smooth(double t) => t * t * (3 - 2 * t);
}
