using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// PNG encoder for the two layouts the project writes: 8-bit RGB (images, colour-mapped depth) and 16-bit
/// greyscale (depth in fixed-point units). Rows are filtered with the usual minimum-sum-of-absolute-differences
/// heuristic (<see cref="RowFilters"/>), which makes smooth depth maps compress well.
/// </summary>
public static class PngWriter
{
    public static void WriteRgb8(Stream output, int width, int height, ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"expected {width * height * 3} bytes of RGB", nameof(rgb));
        Write(output, width, height, colorType: 2, bitDepth: 8, rgb, rowBytes: width * 3, stride: 3);
    }

    public static void WriteGray16(Stream output, int width, int height, ReadOnlySpan<ushort> values)
    {
        if (values.Length != (long)width * height) throw new ArgumentException($"expected {width * height} values", nameof(values));
        var bigEndian = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(bigEndian.AsSpan(i * 2), values[i]);
        Write(output, width, height, colorType: 0, bitDepth: 16, bigEndian, rowBytes: width * 2, stride: 2);
    }

    static void Write(Stream output, int width, int height, byte colorType, byte bitDepth, ReadOnlySpan<byte> rows, int rowBytes, int stride)
    {
        output.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(output, "IHDR", ihdr);

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var filtered = new byte[1 + rowBytes];
            var previous = new byte[rowBytes];
            var trial = new byte[rowBytes];
            for (int y = 0; y < height; y++)
            {
                var row = rows.Slice(y * rowBytes, rowBytes);
                RowFilters.FilterBest(row, previous, stride, filtered, trial);
                zlib.Write(filtered);
                row.CopyTo(previous);
            }
        }
        WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND", []);
    }

    static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 12];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        Encoding.ASCII.GetBytes(type, buffer.AsSpan(4, 4));
        data.CopyTo(buffer.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8 + data.Length), Crc32.Compute(buffer.AsSpan(4, data.Length + 4)));
        output.Write(buffer);
    }
}
