using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// A complete PNG decoder (all colour types and bit depths, palettes, Adam7 interlacing) written for
/// hostile input: every length is checked against the bytes actually present before anything is allocated,
/// CRCs are verified, and every failure is an <see cref="InvalidFileException"/> naming the file.
/// We decode PNG ourselves because depth ground truth needs the 16-bit samples exactly.
/// </summary>
public static class PngReader
{

    /// <summary>Deflate cannot expand data by more than about 1032:1, so a header claiming more is lying.</summary>
    const long MaxInflateRatio = 1032;

    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Signature);

    public static PngImage Read(string path) => Decode(File.ReadAllBytes(path), path);

    sealed record Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        public int FileChannels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        public int BitsPerPixel => FileChannels * BitDepth;
        public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;
    }

    public static PngImage Decode(byte[] file, string path)
    {
        InvalidFileException Bad(string problem, Exception? inner = null) => new(path, problem, inner);
        if (!HasSignature(file)) throw Bad("not a PNG file (wrong signature)");

        Header? header = null;
        byte[]? palette = null;
        var compressed = new MemoryStream();
        bool idatEnded = false, sawEnd = false;
        int pos = Signature.Length;
        while (pos < file.Length && !sawEnd)
        {
            if (file.Length - pos < 12) throw Bad($"truncated chunk at byte {pos}");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            if (length > (uint)(file.Length - pos - 12)) throw Bad($"chunk at byte {pos} claims {length} bytes, more than the file holds");
            var typeBytes = file.AsSpan(pos + 4, 4);
            foreach (var b in typeBytes)
                if (!char.IsAsciiLetter((char)b)) throw Bad($"invalid chunk type at byte {pos}");
            string type = Encoding.ASCII.GetString(typeBytes);
            var data = file.AsSpan(pos + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos + 8 + (int)length));
            if (Crc32.HashToUInt32(file.AsSpan(pos + 4, (int)length + 4)) != storedCrc) throw Bad($"CRC mismatch in {type} chunk at byte {pos}");
            pos += 12 + (int)length;

            if (header is null && type != "IHDR") throw Bad("first chunk is not IHDR");
            if (type != "IDAT" && compressed.Length > 0) idatEnded = true;
            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw Bad("more than one IHDR chunk");
                    header = ParseHeader(data, path, Bad);
                    break;
                case "PLTE":
                    if (length == 0 || length % 3 != 0 || length / 3 > 256) throw Bad($"PLTE chunk of {length} bytes is not 1..256 RGB entries");
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    if (idatEnded) throw Bad("IDAT chunks are not consecutive");
                    compressed.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    if ((typeBytes[0] & 0x20) == 0) throw Bad($"unknown critical chunk {type}");
                    break;
            }
        }
        if (header is null) throw Bad("no IHDR chunk");
        if (!sawEnd) throw Bad("truncated (no IEND chunk)");
        if (compressed.Length == 0) throw Bad("no image data (IDAT)");
        if (header.ColorType == 3 && palette is null) throw Bad("palette image without a PLTE chunk");

        var passes = header.Interlaced ? Adam7Passes : [(0, 0, 1, 1)];
        long expected = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = PassSize(header.Width, x0, dx), ph = PassSize(header.Height, y0, dy);
            if (pw > 0 && ph > 0) expected += ph * (1 + header.RowBytes(pw));
        }
        if (expected > compressed.Length * MaxInflateRatio + 1024)
            throw Bad($"header claims {header.Width}x{header.Height} but only {compressed.Length} bytes of compressed data follow");

        var raw = Inflate(compressed, expected, Bad);
        return Unpack(header, raw, passes, palette, Bad);
    }

    static int PassSize(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;

    /// <summary>
    /// The width and height the IHDR chunk declares, read without decoding or the decode limit (a caller such as a
    /// server applies its own bound to them): the first chunk of every valid PNG starts at byte 8.
    /// </summary>
    public static (int Width, int Height) DeclaredSize(ReadOnlySpan<byte> file, string path)
    {
        if (!HasSignature(file)) throw new InvalidFileException(path, "not a PNG file (wrong signature)");
        if (file.Length < 24 || !file.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new InvalidFileException(path, "truncated PNG (no IHDR chunk)");
        return SizeOf(file.Slice(16, 8), (problem, inner) => new InvalidFileException(path, problem, inner));
    }

    /// <summary>The colour type IHDR declares (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA), from the first 26 bytes.</summary>
    public static int DeclaredColorType(ReadOnlySpan<byte> file, string path)
    {
        DeclaredSize(file, path);
        if (file.Length < 26) throw new InvalidFileException(path, "truncated PNG (IHDR cut short)");
        return file[25];
    }

    static (int Width, int Height) SizeOf(ReadOnlySpan<byte> ihdr, Func<string, Exception?, InvalidFileException> bad)
    {
        uint width = BinaryPrimitives.ReadUInt32BigEndian(ihdr), height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw bad($"invalid image size {width}x{height}", null);
        return ((int)width, (int)height);
    }

    static Header ParseHeader(ReadOnlySpan<byte> data, string path, Func<string, Exception?, InvalidFileException> bad)
    {
        if (data.Length != 13) throw bad($"IHDR has {data.Length} bytes, expected 13", null);
        var (width, height) = SizeOf(data, bad);
        int bitDepth = data[8], colorType = data[9];
        DecodeLimit.Check(width, height, path);
        bool validDepth = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (!validDepth) throw bad($"invalid colour type {colorType} with bit depth {bitDepth}", null);
        if (data[10] != 0 || data[11] != 0) throw bad("unknown compression or filter method", null);
        if (data[12] > 1) throw bad($"unknown interlace method {data[12]}", null);
        return new Header((int)width, (int)height, bitDepth, colorType, data[12] == 1);
    }

    static byte[] Inflate(MemoryStream compressed, long expected, Func<string, Exception?, InvalidFileException> bad)
    {
        var raw = new byte[expected];
        compressed.Position = 0;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            int filled = 0;
            while (filled < raw.Length)
            {
                int n = zlib.Read(raw, filled, raw.Length - filled);
                if (n == 0) throw bad($"image data truncated: {filled} of {expected} bytes", null);
                filled += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw bad("corrupt compressed image data", e);
        }
        return raw;
    }

    static PngImage Unpack(Header h, byte[] raw, (int X0, int Y0, int Dx, int Dy)[] passes, byte[]? palette,
        Func<string, Exception?, InvalidFileException> bad)
    {
        int outChannels = h.ColorType == 3 ? 3 : h.FileChannels;
        var samples = new ushort[(long)h.Width * h.Height * outChannels];
        int filterStride = Math.Max(1, h.BitsPerPixel / 8);
        // an Adam7 row is unpacked here first, then its pixels are spread over every dx-th pixel of the image row
        var passRow = h.Interlaced ? new ushort[h.Width * outChannels] : null;
        int pos = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = PassSize(h.Width, x0, dx), ph = PassSize(h.Height, y0, dy);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (int)h.RowBytes(pw);
            // rows are decoded in place, so the row above is the previous row of the buffer itself
            ReadOnlySpan<byte> above = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                byte filter = raw[pos];
                var row = raw.AsSpan(pos + 1, rowBytes);
                pos += 1 + rowBytes;
                if (!RowFilters.TryUndo(filter, row, above, filterStride)) throw bad($"unknown row filter type {filter}", null);
                above = row;
                int y = y0 + r * dy;
                var imageRow = samples.AsSpan(y * h.Width * outChannels, h.Width * outChannels);
                if (dx == 1)
                {
                    UnpackRow(h, row, imageRow, palette, bad);
                    continue;
                }
                var pixels = passRow.AsSpan(0, pw * outChannels);
                UnpackRow(h, row, pixels, palette, bad);
                for (int i = 0; i < pw; i++) pixels.Slice(i * outChannels, outChannels).CopyTo(imageRow[((x0 + i * dx) * outChannels)..]);
            }
        }
        return new PngImage { Width = h.Width, Height = h.Height, Channels = outChannels, BitDepth = h.ColorType == 3 ? 8 : h.BitDepth, Samples = samples };
    }

    /// <summary>
    /// A row's pixels, side by side, into <paramref name="samples"/> (as many as it holds): the common layouts (8 and 16
    /// bits, palettes) without per-sample dispatch.
    /// </summary>
    static void UnpackRow(Header h, ReadOnlySpan<byte> row, Span<ushort> samples, byte[]? palette, Func<string, Exception?, InvalidFileException> bad)
    {
        if (h.ColorType == 3)
        {
            int entries = palette!.Length / 3;
            for (int i = 0; i < samples.Length / 3; i++)
            {
                int index = h.BitDepth == 8 ? row[i] : ReadSample(row, i, h.BitDepth);
                if (index >= entries) throw bad($"palette index {index} out of range", null);
                samples[i * 3] = palette[index * 3];
                samples[i * 3 + 1] = palette[index * 3 + 1];
                samples[i * 3 + 2] = palette[index * 3 + 2];
            }
        }
        else if (h.BitDepth == 16)
        {
            var bigEndian = MemoryMarshal.Cast<byte, ushort>(row);
            if (BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(bigEndian, samples);
            else bigEndian.CopyTo(samples);
        }
        else if (h.BitDepth == 8)
        {
            int j = 0;
            for (; j <= row.Length - Vector<byte>.Count; j += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[j..]), out var low, out var high);
                low.CopyTo(samples[j..]);
                high.CopyTo(samples[(j + Vector<ushort>.Count)..]);
            }
            for (; j < row.Length; j++) samples[j] = row[j];
        }
        else
        {
            for (int i = 0; i < samples.Length; i++) samples[i] = ReadSample(row, i, h.BitDepth);
        }
    }

    static ushort ReadSample(ReadOnlySpan<byte> row, int index, int bitDepth) => bitDepth switch
    {
        16 => BinaryPrimitives.ReadUInt16BigEndian(row[(index * 2)..]),
        8 => row[index],
        // Sub-byte samples are packed most significant bits first.
        _ => (ushort)((row[index * bitDepth / 8] >> (8 - bitDepth - index * bitDepth % 8)) & ((1 << bitDepth) - 1)),
    };
}
