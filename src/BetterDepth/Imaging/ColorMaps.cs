namespace BetterDepth.Imaging;

public enum ColorMap { Spectral, Turbo, Gray }

/// <summary>
/// False-colour rendering of depth maps for viewing. Values are mapped linearly from [min, max] (by default
/// the range of the valid pixels) to [0, 1] and then through the colour map; invalid pixels are black.
/// Spectral is ColorBrewer's 11-class diverging scheme interpolated linearly (what matplotlib's "Spectral"
/// and Marigold's visualisations use: low = dark red, high = violet-blue); Turbo is Google's polynomial fit.
/// </summary>
public static class ColorMaps
{
    /// <summary>ColorBrewer "Spectral" with 11 classes, from its first class to its last, equally spaced on [0, 1].</summary>
    static readonly (byte R, byte G, byte B)[] SpectralControlPoints =
    [
        (0x9e, 0x01, 0x42), (0xd5, 0x3e, 0x4f), (0xf4, 0x6d, 0x43), (0xfd, 0xae, 0x61), (0xfe, 0xe0, 0x8b), (0xff, 0xff, 0xbf),
        (0xe6, 0xf5, 0x98), (0xab, 0xdd, 0xa4), (0x66, 0xc2, 0xa5), (0x32, 0x88, 0xbd), (0x5e, 0x4f, 0xa2),
    ];

    /// <summary>Anton Mikhailov's Turbo approximated by Ruofei Du's degree-5 polynomials, lowest order first.</summary>
    static readonly double[] TurboRed = [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
    static readonly double[] TurboGreen = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
    static readonly double[] TurboBlue = [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

    /// <summary>
    /// Pixels are invalid where <paramref name="valid"/> is false, where values are not finite, and, for metric
    /// depth or disparity (where 0 means "no measurement"), where they are not positive.
    /// </summary>
    public static RgbImage Colorize(DepthMap map, ColorMap colorMap = ColorMap.Spectral, float? min = null, float? max = null, bool[]? valid = null)
    {
        // 4096 levels: a colour differs from the exact one by at most one step of a channel
        var levels = Levels(map, RgbLevelCount, min, max, valid);
        var image = new RgbImage(map.Width, map.Height);
        var data = image.Data;
        var table = Table(colorMap, RgbLevelCount);
        for (int i = 0; i < levels.Length; i++)
        {
            int level = levels[i];
            if (level == 0) continue; // invalid: stays black
            int t = (level - 1) * 3, o = i * 3;
            data[o] = table[t];
            data[o + 1] = table[t + 1];
            data[o + 2] = table[t + 2];
        }
        return image;
    }

    /// <summary>
    /// The same rendering as a palette image: entry 0 is black (invalid pixels) and entries 1..255 are 255 equally
    /// spaced colours of the map, as fine as matplotlib's 256-entry colour maps. One byte per pixel instead of three
    /// makes a colour-mapped PNG about three times cheaper to encode and store.
    /// </summary>
    public static IndexedImage ColorizeIndexed(DepthMap map, ColorMap colorMap = ColorMap.Spectral, float? min = null, float? max = null, bool[]? valid = null)
    {
        var levels = Levels(map, IndexedImage.MaxColors - 1, min, max, valid);
        var indices = new byte[levels.Length];
        PixelKernels.NarrowToBytes(levels, indices);
        return new IndexedImage(map.Width, map.Height, indices, [0, 0, 0, .. Table(colorMap, IndexedImage.MaxColors - 1)]);
    }

    /// <summary>
    /// Each pixel's colour level: 1..<paramref name="levelCount"/> for valid pixels, the position in [min, max] rounded
    /// to the nearest of <paramref name="levelCount"/> equally spaced levels; 0 where invalid.
    /// </summary>
    static ushort[] Levels(DepthMap map, int levelCount, float? min, float? max, bool[]? valid)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (valid is not null && valid.Length != map.PixelCount)
            throw new ArgumentException($"mask holds {valid.Length} values, map {map.Width}x{map.Height} has {map.PixelCount}", nameof(valid));
        if (min is not null && max is not null && !(max > min)) throw new ArgumentException($"colour range max ({max}) must exceed min ({min})", nameof(max));
        bool metric = map.Kind is DepthKind.Depth or DepthKind.Disparity;
        var values = map.Values;
        var levels = new ushort[values.Length];
        if (valid is null)
        {
            // what predict writes: the same two passes in SIMD (PixelKernels)
            var (usableLo, usableHi) = PixelKernels.FiniteRange(values, positiveOnly: metric);
            float from = min ?? usableLo, to = max ?? usableHi;
            PixelKernels.Levels(values, from, to > from ? (levelCount - 1) / (double)(to - from) : 0, levelCount, metric, levels);
            return levels;
        }
        // One pass marks the valid pixels (level 1 for now) and finds their range; a second places them.
        float lo = float.MaxValue, hi = float.MinValue;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!valid[i] || !PixelKernels.IsUsable(v, positiveOnly: metric)) continue;
            levels[i] = 1;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        lo = min ?? lo;
        hi = max ?? hi;
        double scale = hi > lo ? (levelCount - 1) / (double)(hi - lo) : 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (levels[i] == 0) continue;
            levels[i] = PixelKernels.Level(values[i], lo, scale, levelCount);
        }
        return levels;
    }

    const int RgbLevelCount = 4096;
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(ColorMap, int), byte[]> Tables = new();

    /// <summary>RGB of <paramref name="levelCount"/> equally spaced positions of a map, built on first use.</summary>
    static byte[] Table(ColorMap colorMap, int levelCount) => Tables.GetOrAdd((colorMap, levelCount), key =>
    {
        var table = new byte[levelCount * 3];
        for (int k = 0; k < levelCount; k++)
        {
            var (r, g, b) = Lookup(key.Item1, k / (double)(levelCount - 1));
            (table[k * 3], table[k * 3 + 1], table[k * 3 + 2]) = (r, g, b);
        }
        return table;
    });

    /// <summary>The colour of position t in [0, 1] of a map.</summary>
    public static (byte R, byte G, byte B) Lookup(ColorMap colorMap, double t)
    {
        t = Math.Clamp(t, 0, 1);
        switch (colorMap)
        {
            case ColorMap.Spectral:
                {
                    double position = t * (SpectralControlPoints.Length - 1);
                    int k = Math.Min((int)position, SpectralControlPoints.Length - 2);
                    double f = position - k;
                    var (a, b) = (SpectralControlPoints[k], SpectralControlPoints[k + 1]);
                    return (Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
                }
            case ColorMap.Turbo:
                return (ToByte(Polynomial(TurboRed, t)), ToByte(Polynomial(TurboGreen, t)), ToByte(Polynomial(TurboBlue, t)));
            case ColorMap.Gray:
                {
                    byte v = ToByte(t);
                    return (v, v, v);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(colorMap), colorMap, "unknown colour map");
        }
    }

    static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);

    static byte ToByte(double unit) => (byte)Math.Round(Math.Clamp(unit, 0, 1) * 255);

    static double Polynomial(double[] coefficients, double x)
    {
        double acc = 0;
        for (int k = coefficients.Length - 1; k >= 0; k--) acc = acc * x + coefficients[k];
        return acc;
    }
}
