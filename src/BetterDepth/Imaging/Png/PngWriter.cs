using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// PNG encoder for the layouts the project writes: 8-bit RGB (images), 8-bit palette (colour-mapped depth) and
/// 16-bit greyscale (depth in fixed-point units). Rows are filtered with the usual minimum-sum-of-absolute-differences
/// heuristic (<see cref="RowFilters"/>), which makes smooth depth maps compress well.
/// </summary>
public static class PngWriter
{
    /// <summary>
    /// zlib level of the IDAT stream. On real predictions and ground truths (bench/png-writing.cs) level 2 makes 16-bit
    /// depth PNGs at most 4% larger than zlib's default 6 and RGB images 10 to 19% larger, in 28 to 71% of the time:
    /// writing is per-image overhead, and a refined map's fine texture leaves little for the slower levels to find.
    /// </summary>
    public const int DefaultCompressionLevel = 2;

    public static void WriteRgb8(Stream output, int width, int height, ReadOnlyMemory<byte> rgb, int compressionLevel = DefaultCompressionLevel)
    {
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"expected {width * height * 3} bytes of RGB", nameof(rgb));
        Write(output, width, height, colorType: 2, bitDepth: 8, rgb, rowBytes: width * 3, stride: 3, compressionLevel);
    }

    /// <summary>Colour type 3: a PLTE chunk, then one index per pixel.</summary>
    public static void WriteIndexed8(Stream output, IndexedImage image, int compressionLevel = DefaultCompressionLevel) =>
        Write(output, image.Width, image.Height, colorType: 3, bitDepth: 8, image.Indices, rowBytes: image.Width, stride: 1, compressionLevel, image.Palette);

    public static void WriteGray16(Stream output, int width, int height, ReadOnlySpan<ushort> values, int compressionLevel = DefaultCompressionLevel)
    {
        if (values.Length != (long)width * height) throw new ArgumentException($"expected {width * height} values", nameof(values));
        var bigEndian = new byte[values.Length * 2];
        var samples = MemoryMarshal.Cast<byte, ushort>(bigEndian.AsSpan());
        if (BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(values, samples);
        else values.CopyTo(samples);
        Write(output, width, height, colorType: 0, bitDepth: 16, bigEndian, rowBytes: width * 2, stride: 2, compressionLevel);
    }

    static void Write(Stream output, int width, int height, byte colorType, byte bitDepth, ReadOnlyMemory<byte> rows, int rowBytes, int stride, int compressionLevel,
        byte[]? palette = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"a PNG needs a positive size, got {width}x{height}");
        if (compressionLevel is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(compressionLevel), compressionLevel, "zlib levels are 0 to 9");
        output.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(output, "IHDR", ihdr);
        if (palette is not null) WriteChunk(output, "PLTE", palette);

        WriteChunk(output, "IDAT", StripCompressor.Compress(rows, rowBytes, stride, compressionLevel));
        WriteChunk(output, "IEND", []);
    }

    /// <summary>Length, type, data, then the CRC of type and data: the data goes to the stream as it is, uncopied.</summary>
    static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        var crc = new Crc32();
        crc.Append(head[4..]);
        crc.Append(data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc.GetCurrentHashAsUInt32());
        output.Write(head);
        output.Write(data);
        output.Write(tail);
    }
}
