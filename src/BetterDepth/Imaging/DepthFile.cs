using System.Buffers.Binary;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Imaging;

/// <summary>
/// Depth and disparity maps in the formats benchmarks ship them in. Readers return 0 where the format marks
/// a pixel as invalid (0 in PNG, +inf in PFM and ETH3D raw) and reject NaN; writers write atomically.
/// </summary>
public static class DepthFile
{
    /// <summary>By extension: .npy, .pfm, or .png (16-bit, scaled by <paramref name="metresPerUnit"/>).</summary>
    public static DepthMap Read(string path, DepthKind kind, double metresPerUnit = 1.0) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => ReadNpy(path, kind),
            ".pfm" => ReadPfm(path, kind),
            ".png" => ReadPng16(path, metresPerUnit, kind),
            var ext => throw new InvalidFileException(path, $"unknown depth file type '{ext}'; expected .npy, .pfm or .png"),
        };

    /// <summary>A single-channel PNG (16-bit, or 8-bit) whose integer values times <paramref name="metresPerUnit"/> are the depth; 0 stays 0 (invalid).</summary>
    public static DepthMap ReadPng16(string path, double metresPerUnit, DepthKind kind = DepthKind.Depth) =>
        DecodePng16(File.ReadAllBytes(path), path, metresPerUnit, kind);

    public static DepthMap DecodePng16(byte[] bytes, string path, double metresPerUnit, DepthKind kind = DepthKind.Depth)
    {
        if (!(metresPerUnit > 0) || !double.IsFinite(metresPerUnit))
            throw new ArgumentOutOfRangeException(nameof(metresPerUnit), $"{path}: metres per unit must be positive, got {metresPerUnit}");
        var png = PngReader.Decode(bytes, path);
        if (png.Channels != 1 || png.BitDepth < 8)
            throw new InvalidFileException(path, $"expected a single-channel 16-bit depth PNG, got {png.Describe()}");
        var values = new float[png.Samples.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(png.Samples[i] * metresPerUnit);
        return new DepthMap(png.Width, png.Height, kind, values);
    }

    public static DepthMap ReadPfm(string path, DepthKind kind)
    {
        var (w, h, values) = Pfm.Decode(File.ReadAllBytes(path), path);
        return new DepthMap(w, h, kind, values);
    }

    /// <summary>An .npy depth map of shape (H, W), (1, H, W) or (H, W, 1); any supported dtype; non-finite values are rejected.</summary>
    public static DepthMap ReadNpy(string path, DepthKind kind) => DecodeNpy(File.ReadAllBytes(path), path, kind);

    public static DepthMap DecodeNpy(byte[] bytes, string path, DepthKind kind)
    {
        var array = Npy.Decode(bytes, path);
        var (w, h) = Npy.ImageShape(array, path);
        int bad = Array.FindIndex(array.Values, v => !float.IsFinite(v));
        if (bad >= 0) throw new InvalidFileException(path, $"non-finite value at pixel ({bad % w}, {bad / w})");
        return new DepthMap(w, h, kind, array.Values);
    }

    /// <summary>
    /// Headerless little-endian float32, row-major, of a known size (ETH3D's 6048x4032 depth files).
    /// The file size must match exactly; +inf (no data) becomes 0, NaN is an error.
    /// </summary>
    public static DepthMap ReadRawFloat32(string path, int width, int height, DepthKind kind = DepthKind.Depth)
    {
        // Check the size before reading, so a wrong file of gigabytes is not loaded just to be rejected.
        CheckRawSize(path, width, height, new FileInfo(path).Length);
        return DecodeRawFloat32(File.ReadAllBytes(path), path, width, height, kind);
    }

    public static DepthMap DecodeRawFloat32(byte[] bytes, string path, int width, int height, DepthKind kind = DepthKind.Depth)
    {
        CheckRawSize(path, width, height, bytes.Length);
        InvalidFileException Bad(string problem) => new(path, problem);
        var values = new float[width * height];
        for (int i = 0; i < values.Length; i++)
            values[i] = Pfm.CheckValue(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)), i % width, i / width, Bad);
        return new DepthMap(width, height, kind, values);
    }

    /// <summary>float32 .npy of shape (H, W).</summary>
    public static void WriteNpy(string path, DepthMap map) => Npy.WriteFloat32(path, map.Values, map.Height, map.Width);

    public static void WritePfm(string path, DepthMap map)
    {
        RejectNaN(path, map);
        AtomicFile.Write(path, s => Pfm.Write(s, map.Width, map.Height, map.Values));
    }

    /// <summary>Fixed-point 16-bit PNG: round(v * unitsPerValue) clamped to 0..65535; non-finite values become 0 (invalid).</summary>
    public static void WritePng16(string path, DepthMap map, double unitsPerValue)
    {
        if (!(unitsPerValue > 0) || !double.IsFinite(unitsPerValue))
            throw new ArgumentOutOfRangeException(nameof(unitsPerValue), $"{path}: units per value must be positive, got {unitsPerValue}");
        var units = new ushort[map.PixelCount];
        PixelKernels.Quantize16(map.Values, unitsPerValue, units);
        AtomicFile.Write(path, s => PngWriter.WriteGray16(s, map.Width, map.Height, units));
    }

    /// <summary>A false-colour palette PNG for viewing (see <see cref="ColorMaps.ColorizeIndexed"/>).</summary>
    public static void WriteColorPng(string path, DepthMap map, ColorMap colorMap = ColorMap.Spectral, float? min = null, float? max = null, bool[]? valid = null)
    {
        var image = ColorMaps.ColorizeIndexed(map, colorMap, min, max, valid);
        AtomicFile.Write(path, s => PngWriter.WriteIndexed8(s, image));
    }

    static void CheckRawSize(string path, int width, int height, long actual)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"{path}: raw size must be positive, got {width}x{height}");
        long expected = (long)width * height * 4;
        if (actual != expected) throw new InvalidFileException(path, $"raw float32 {width}x{height} needs {expected} bytes, file has {actual}");
    }

    static void RejectNaN(string path, DepthMap map)
    {
        int nan = NaNScan.IndexOfNaN(map.Values);
        if (nan >= 0) throw new ArgumentException($"{path}: refusing to write NaN at pixel ({nan % map.Width}, {nan / map.Width})", nameof(map));
    }
}
