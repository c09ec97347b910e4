using BetterDepth.Imaging;

namespace BetterDepth.Evaluation;

public enum DepthEncodingKind { Png16, RawFloat32, Npy, Pfm }

/// <summary>How a dataset stores ground-truth depth: the file format, the metres per stored unit and, for raw
/// float32 files (which carry no header), the image size.</summary>
public sealed record DepthEncoding(DepthEncodingKind Kind, double MetresPerUnit = 1.0, int Width = 0, int Height = 0)
{
    public static DepthEncoding Png16(double metresPerUnit) => new(DepthEncodingKind.Png16, metresPerUnit);
    public static DepthEncoding RawFloat32(int width, int height) => new(DepthEncodingKind.RawFloat32, 1.0, width, height);
    public static readonly DepthEncoding Npy = new(DepthEncodingKind.Npy);
    public static readonly DepthEncoding Pfm = new(DepthEncodingKind.Pfm);

    /// <summary>Reads metric depth (metres). Format-defined invalid markers come back as 0.</summary>
    public DepthMap Read(string path)
    {
        var map = Kind switch
        {
            DepthEncodingKind.Png16 => DepthFile.ReadPng16(path, MetresPerUnit, DepthKind.Depth),
            DepthEncodingKind.RawFloat32 => DepthFile.ReadRawFloat32(path, Width, Height, DepthKind.Depth),
            DepthEncodingKind.Npy => DepthFile.ReadNpy(path, DepthKind.Depth),
            DepthEncodingKind.Pfm => DepthFile.ReadPfm(path, DepthKind.Depth),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown depth encoding"),
        };
        if (Kind != DepthEncodingKind.Png16 && MetresPerUnit != 1.0)
            for (var i = 0; i < map.Values.Length; i++) map.Values[i] = (float)(map.Values[i] * MetresPerUnit);
        return map;
    }

    /// <summary>The names used in dataset JSON files.</summary>
    public static DepthEncodingKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "png16" => DepthEncodingKind.Png16,
        "raw_float32" => DepthEncodingKind.RawFloat32,
        "npy" => DepthEncodingKind.Npy,
        "pfm" => DepthEncodingKind.Pfm,
        _ => throw new ArgumentException($"unknown depth encoding \"{name}\" (expected npy, png16, pfm or raw_float32)"),
    };
}
