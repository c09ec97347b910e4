using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BetterDepth.Tests.Imaging;

/// <summary>
/// Builds files byte by byte, independently of the library's writers, so that readers are tested against
/// the format specifications rather than against our own encoders.
/// </summary>
static class TestFiles
{
    public static byte[] Npy(string descr, string shape, byte[] data, int major = 1, bool fortran = false, string? rawHeader = null)
    {
        string dict = rawHeader ?? $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = Encoding.UTF8.GetBytes(dict.PadRight(total - prefix - 1) + "\n");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1) bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(header);
        bytes.AddRange(data);
        return [.. bytes];
    }

    public static byte[] Floats(params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        return data;
    }

    /// <summary>
    /// A PNG, optionally Adam7-interlaced, with each scanline filtered by <paramref name="filterOfRow"/>(its index in
    /// the pass) per the specification's definitions (filter 0, no filtering, when not given).
    /// </summary>
    public static byte[] Png(int width, int height, int bitDepth, int colorType, Func<int, int, int[]> samplesAt, byte[]? palette = null, bool interlaced = false,
        Func<int, byte>? filterOfRow = null)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        (int, int, int, int)[] passes = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var xs = Enumerable.Range(0, width).Where(x => x >= x0 && (x - x0) % dx == 0).ToArray();
            var ys = Enumerable.Range(0, height).Where(y => y >= y0 && (y - y0) % dy == 0).ToArray();
            if (xs.Length == 0) continue;
            int bytesPerPixel = Math.Max(1, channels * bitDepth / 8);
            byte[]? previous = null;
            foreach (var (y, r) in ys.Select((y, r) => (y, r)))
            {
                var line = new MemoryStream();
                var bits = new BitPacker(line);
                foreach (var x in xs)
                    foreach (var s in samplesAt(x, y)) bits.Write(s, bitDepth);
                bits.Flush();
                var values = line.ToArray();
                byte filter = filterOfRow?.Invoke(r) ?? 0;
                raw.WriteByte(filter);
                raw.Write(Filter(filter, values, previous ?? new byte[values.Length], bytesPerPixel));
                previous = values;
            }
        }
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw.ToArray());

        var file = new MemoryStream();
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        Chunk(file, "IHDR", ihdr);
        if (palette is not null) Chunk(file, "PLTE", palette);
        Chunk(file, "tEXt", Encoding.ASCII.GetBytes("Comment\0ancillary chunks are skipped"));
        Chunk(file, "IDAT", idat.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>PNG specification, section 9.2: each byte minus its predictor from a (left), b (up), c (up-left), mod 256.</summary>
    static byte[] Filter(byte filter, byte[] row, byte[] up, int bytesPerPixel)
    {
        var residuals = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0, b = up[i], c = i >= bytesPerPixel ? up[i - bytesPerPixel] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                _ => 0, // types above 4 do not exist: the bytes go out as they are, for testing decoders on them
            };
            residuals[i] = (byte)(row[i] - predictor);
        }
        return residuals;
    }

    sealed class BitPacker(Stream output)
    {
        int buffer, count;

        public void Write(int value, int bits)
        {
            for (int b = bits - 1; b >= 0; b--)
            {
                buffer = (buffer << 1) | ((value >> b) & 1);
                if (++count == 8) Flush();
            }
        }

        public void Flush()
        {
            if (count == 0) return;
            output.WriteByte((byte)(buffer << (8 - count)));
            buffer = count = 0;
        }
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var lengthBytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(lengthBytes, data.Length);
        s.Write(lengthBytes);
        var body = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(body));
        s.Write(crc);
    }

    /// <summary>Bit-by-bit CRC-32 (no table), so a mistake in the library's table would show.</summary>
    public static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320 & (0u - (c & 1)));
        }
        return ~c;
    }

    /// <summary>Recomputes every chunk CRC of a (possibly mutated) PNG, so mutations reach the decoder instead of stopping at the checksum.</summary>
    public static void FixPngCrcs(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (length > png.Length - pos - 12) return;
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)length), Crc(png.AsSpan(pos + 4, (int)length + 4)));
            pos += 12 + (int)length;
        }
    }
}
