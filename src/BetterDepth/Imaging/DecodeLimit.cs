using System.Globalization;

namespace BetterDepth.Imaging;

/// <summary>
/// The largest image the readers decode (PNG, JPEG, PFM, NPY), in pixels, checked against the header before anything
/// is allocated. Compression ratios do not bound memory: a valid 16 KB 1-bit palette PNG can declare 11585x11585 and
/// decode to gigabytes, so the bound is on decoded samples. Default 100 megapixels (a 12000x8000 photo fits);
/// the environment variable <see cref="EnvironmentVariable"/> overrides it, up to <see cref="Ceiling"/>, beyond which
/// the decoders' int indexing would overflow.
/// </summary>
public static class DecodeLimit
{
    public const string EnvironmentVariable = "BETTERDEPTH_MAX_PIXELS";
    public const long DefaultMaxPixels = 100_000_000;
    public const long Ceiling = 1L << 28;
    /// <summary>Samples per pixel at most (RGBA), for readers such as NPY that see samples rather than pixels.</summary>
    public const int MaxSamplesPerPixel = 4;

    /// <summary>The limit in force; read on each call, so a process can change it.</summary>
    public static long MaxPixels => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static long Parse(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return DefaultMaxPixels;
        if (long.TryParse(setting.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= Ceiling) return v;
        throw new ArgumentException($"{EnvironmentVariable} must be a number of pixels from 1 to {Ceiling}, got '{OneLine.Escape(setting)}'");
    }

    /// <summary>Refuses a declared image size above the limit, naming the file.</summary>
    public static void Check(long width, long height, string path)
    {
        var limit = MaxPixels;
        if (width * height > limit)
            throw new InvalidFileException(path, $"image size {width}x{height} ({width * height} pixels) exceeds the decoding limit of {limit} pixels (raise it with {EnvironmentVariable})");
    }

    /// <summary>Refuses an array with more samples than the largest allowed image can hold.</summary>
    public static void CheckSamples(long samples, string path)
    {
        var limit = MaxPixels * MaxSamplesPerPixel;
        if (samples > limit)
            throw new InvalidFileException(path, $"{samples} values exceed the decoding limit of {limit} ({MaxSamplesPerPixel} per pixel of {EnvironmentVariable} = {MaxPixels})");
    }
}
