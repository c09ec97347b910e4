using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using BigGustave;

namespace BetterDepth.Tests.Evaluation;

/// <summary>
/// Writes the file formats of the benchmarks byte by byte, independently of the library's writers, so the
/// evaluation tests check the readers against the formats rather than against themselves.
/// </summary>
public static class FakeFiles
{
    /// <summary>A 16-bit greyscale PNG (colour type 0, bit depth 16, filter 0 on every row).</summary>
    public static void Png16(string path, int width, int height, Func<int, int, ushort> value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++)
            {
                var v = value(x, y);
                raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(z);

        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 16; // bit depth; colour type, compression, filter, interlace stay 0
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        s.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>An 8-bit RGB PNG (the benchmarks' RGB files; evaluation only needs them to exist).</summary>
    public static void Rgb(string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = PngBuilder.Create(width, height, false);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++) builder.SetPixel((byte)(x * 7), (byte)(y * 5), 90, x, y);
        using var file = File.Create(path);
        builder.Save(file);
    }

    /// <summary>Version 1.0 .npy: little-endian float32 ('&lt;f4') or bool ('|b1'), C order.</summary>
    public static void Npy(string path, float[] values, params int[] shape) =>
        NpyBytes(path, "<f4", shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    public static void NpyBool(string path, bool[] values, params int[] shape) =>
        NpyBytes(path, "|b1", shape, values.Select(v => v ? (byte)1 : (byte)0).ToArray());

    static void NpyBytes(string path, string dtype, int[] shape, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': ({dims}), }}";
        var headerLength = (dict.Length + 1 + 10 + 63) / 64 * 64 - 10; // pad so data starts 64-byte aligned, header ends in \n
        var header = dict.PadRight(headerLength - 1) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(data);
    }

    /// <summary>Headerless little-endian float32, row-major (ETH3D's ground truth).</summary>
    public static void RawFloat32(string path, float[] values)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, values.SelectMany(BitConverter.GetBytes).ToArray());
    }

    /// <summary>Greyscale PFM ("Pf"), little-endian (negative scale), rows stored bottom to top.</summary>
    public static void Pfm(string path, int width, int height, float[] values)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"Pf\n{width} {height}\n-1.0\n"));
        for (var y = height - 1; y >= 0; y--)
            for (var x = 0; x < width; x++) file.Write(BitConverter.GetBytes(values[y * width + x]));
    }

    public static void Text(string path, params string[] lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines);
    }
}
