using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// PNG encoder for the layouts the project writes: 8-bit RGB (images), 8-bit palette (colour-mapped depth) and
/// 16-bit greyscale (depth in fixed-point units). Rows are filtered with the usual minimum-sum-of-absolute-differences
/// heuristic (<see cref="RowFilters"/>), which makes smooth depth maps compress well, and deflated as
/// <see cref="PngCompression.Default"/> unless the caller says otherwise.
/// </summary>
public static class PngWriter
{
    public static void WriteRgb8(Stream output, int width, int height, ReadOnlyMemory<byte> rgb, PngCompression? compression = null)
    {
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"expected {width * height * 3} bytes of RGB", nameof(rgb));
        Write(output, width, height, colorType: 2, bitDepth: 8, rgb, rowBytes: width * 3, stride: 3, compression);
    }

    /// <summary>Colour type 3: a PLTE chunk, then one index per pixel.</summary>
    public static void WriteIndexed8(Stream output, IndexedImage image, PngCompression? compression = null) =>
        Write(output, image.Width, image.Height, colorType: 3, bitDepth: 8, image.Indices, rowBytes: image.Width, stride: 1, compression, image.Palette);

    public static void WriteGray16(Stream output, int width, int height, ReadOnlySpan<ushort> values, PngCompression? compression = null)
    {
        if (values.Length != (long)width * height) throw new ArgumentException($"expected {width * height} values", nameof(values));
        var bigEndian = new byte[values.Length * 2];
        var samples = MemoryMarshal.Cast<byte, ushort>(bigEndian.AsSpan());
        if (BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(values, samples);
        else values.CopyTo(samples);
        Write(output, width, height, colorType: 0, bitDepth: 16, bigEndian, rowBytes: width * 2, stride: 2, compression);
    }

    static void Write(Stream output, int width, int height, byte colorType, byte bitDepth, ReadOnlyMemory<byte> rows, int rowBytes, int stride, PngCompression? compression,
        byte[]? palette = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"a PNG needs a positive size, got {width}x{height}");
        var deflate = compression ?? PngCompression.Default;
        deflate.Validate();
        output.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(output, "IHDR", ihdr);
        if (palette is not null) WriteChunk(output, "PLTE", palette);

        WriteChunk(output, "IDAT", StripCompressor.Compress(rows, rowBytes, stride, deflate));
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
