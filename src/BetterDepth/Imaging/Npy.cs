using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BetterDepth.Imaging;

/// <summary>An array read from a .npy file: its shape, its numpy dtype name (float32, float64, uint16, uint8, bool) and its values as float.</summary>
public sealed record NpyArray(int[] Shape, string DType, float[] Values);

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version, a little-endian header length,
/// a Python-literal dict {'descr', 'fortran_order', 'shape'}, then the raw C-order data.
/// </summary>
public static class Npy
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path) => Decode(File.ReadAllBytes(path), path);

    public static NpyArray Decode(byte[] file, string path)
    {
        InvalidFileException Bad(string problem) => new(path, problem);
        if (file.Length < 10 || !file.AsSpan().StartsWith(Magic)) throw Bad("not a .npy file (wrong magic)");
        int major = file[6];
        int headerStart, headerLength;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
                headerStart = 10;
                break;
            case 2 or 3:
                if (file.Length < 12) throw Bad("truncated header");
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
                if (length > int.MaxValue) throw Bad($"header length {length} is impossible");
                headerLength = (int)length;
                headerStart = 12;
                break;
            default:
                throw Bad($"unsupported .npy version {major}.{file[7]}");
        }
        if (headerLength > file.Length - headerStart) throw Bad($"header claims {headerLength} bytes, more than the file holds");
        var headerBytes = file.AsSpan(headerStart, headerLength);
        string header = major == 3 ? DecodeUtf8(headerBytes, Bad) : Encoding.Latin1.GetString(headerBytes);

        var dict = HeaderParser.Parse(header, Bad);
        if (!dict.TryGetValue("descr", out var descrValue) || descrValue is not string descr) throw Bad("header has no 'descr' string");
        if (!dict.TryGetValue("fortran_order", out var fortranValue) || fortranValue is not bool fortran) throw Bad("header has no 'fortran_order' flag");
        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not long[] shapeLong) throw Bad("header has no 'shape' tuple");
        if (fortran) throw Bad("Fortran-order arrays are not supported; save with np.ascontiguousarray");
        var (dtype, itemSize, bigEndian) = ParseDescr(descr, Bad);

        int dataStart = headerStart + headerLength;
        long available = file.Length - dataStart;
        // Multiply the claimed dimensions while checking against the bytes present, so a lying header cannot overflow or allocate.
        long count = 1;
        foreach (var d in shapeLong)
        {
            if (d < 0) throw Bad($"negative dimension in shape ({string.Join(", ", shapeLong)})");
            count *= d;
            if (count * itemSize > available) throw Bad($"shape ({string.Join(", ", shapeLong)}) needs more data than the file holds ({available} bytes)");
        }
        if (count * itemSize != available)
            throw Bad($"shape ({string.Join(", ", shapeLong)}) of {dtype} needs {count * itemSize} bytes of data, file holds {available}");
        DecodeLimit.CheckSamples(count, path);

        var values = new float[count];
        var data = file.AsSpan(dataStart);
        for (int i = 0; i < values.Length; i++)
        {
            var item = data.Slice(i * itemSize, itemSize);
            float v = dtype switch
            {
                "float32" => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(item) : BinaryPrimitives.ReadSingleLittleEndian(item),
                "float64" => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item)),
                "uint16" => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(item) : BinaryPrimitives.ReadUInt16LittleEndian(item),
                "uint8" => item[0],
                _ => item[0] switch { 0 => 0f, 1 => 1f, _ => throw Bad($"bool element {i} holds byte {item[0]}") },
            };
            if (float.IsNaN(v)) throw Bad($"NaN at element {i}");
            values[i] = v;
        }
        var shape = Array.ConvertAll(shapeLong, d => (int)d);
        return new NpyArray(shape, dtype, values);
    }

    /// <summary>
    /// A 2-D view of an array: (H, W), (1, H, W) or (H, W, 1). Depth maps and masks are stored in all three.
    /// </summary>
    public static (int Width, int Height) ImageShape(NpyArray array, string path)
    {
        var s = array.Shape;
        (int h, int w) = s.Length switch
        {
            2 => (s[0], s[1]),
            3 when s[0] == 1 => (s[1], s[2]),
            3 when s[2] == 1 => (s[0], s[1]),
            _ => throw new InvalidFileException(path, $"shape ({string.Join(", ", s)}) is not an image; expected (H, W), (1, H, W) or (H, W, 1)"),
        };
        if (w == 0 || h == 0) throw new InvalidFileException(path, $"empty image shape ({string.Join(", ", s)})");
        return (w, h);
    }

    /// <summary>A validity mask: any dtype, nonzero = valid.</summary>
    public static (bool[] Mask, int Width, int Height) ReadMask(string path)
    {
        var array = Read(path);
        var (w, h) = ImageShape(array, path);
        return (Array.ConvertAll(array.Values, v => v != 0), w, h);
    }

    /// <summary>Writes little-endian float32 in C order with a version 1.0 header padded to 64 bytes, as numpy does.</summary>
    public static void WriteFloat32(string path, float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"{path}: negative dimension in shape", nameof(shape));
            count *= d;
        }
        if (count != values.Length) throw new ArgumentException($"{path}: shape ({string.Join(", ", shape)}) holds {count} values, got {values.Length}", nameof(shape));
        int nan = NaNScan.IndexOfNaN(values);
        if (nan >= 0) throw new ArgumentException($"{path}: refusing to write NaN (element {nan})", nameof(values));

        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int padded = (10 + dict.Length + 1 + 63) / 64 * 64 - 10;
        string header = dict.PadRight(padded - 1) + "\n";
        AtomicFile.Write(path, stream =>
        {
            var prefix = new byte[10];
            Magic.CopyTo(prefix);
            prefix[6] = 1;
            prefix[7] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)header.Length);
            stream.Write(prefix);
            stream.Write(Encoding.ASCII.GetBytes(header));
            if (BitConverter.IsLittleEndian) stream.Write(MemoryMarshal.AsBytes(values.AsSpan())); // already the file's layout
            else
            {
                var data = new byte[values.Length * 4L];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
                stream.Write(data);
            }
        });
    }

    static string DecodeUtf8(ReadOnlySpan<byte> bytes, Func<string, InvalidFileException> bad)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw bad("header is not valid UTF-8"); }
    }

    static (string DType, int ItemSize, bool BigEndian) ParseDescr(string descr, Func<string, InvalidFileException> bad)
    {
        if (descr.Length < 3 || descr[0] is not ('<' or '>' or '|' or '='))
            throw bad($"unsupported dtype '{descr}'");
        bool bigEndian = descr[0] == '>';
        return descr[1..] switch
        {
            "f4" => ("float32", 4, bigEndian),
            "f8" => ("float64", 8, bigEndian),
            "u2" => ("uint16", 2, bigEndian),
            "u1" => ("uint8", 1, false),
            "b1" => ("bool", 1, false),
            _ => throw bad($"unsupported dtype '{descr}'; expected float32, float64, uint16, uint8 or bool"),
        };
    }

    /// <summary>Parses the restricted Python literal numpy writes: a dict of string keys to strings, booleans and int tuples.</summary>
    static class HeaderParser
    {
        public static Dictionary<string, object> Parse(string text, Func<string, InvalidFileException> bad)
        {
            int i = 0;
            void SkipSpace() { while (i < text.Length && char.IsWhiteSpace(text[i])) i++; }
            void Expect(char c)
            {
                SkipSpace();
                if (i >= text.Length || text[i] != c) throw bad($"malformed header: expected '{c}' at offset {i}");
                i++;
            }
            string ReadString()
            {
                SkipSpace();
                if (i >= text.Length || text[i] is not ('\'' or '"')) throw bad($"malformed header: expected a string at offset {i}");
                char quote = text[i++];
                int end = text.IndexOf(quote, i);
                if (end < 0) throw bad("malformed header: unterminated string");
                var s = text[i..end];
                i = end + 1;
                return s;
            }
            object ReadValue()
            {
                SkipSpace();
                if (i >= text.Length) throw bad("malformed header: truncated");
                if (text[i] is '\'' or '"') return ReadString();
                if (text.AsSpan(i).StartsWith("True")) { i += 4; return true; }
                if (text.AsSpan(i).StartsWith("False")) { i += 5; return false; }
                if (text[i] != '(') throw bad($"malformed header: unexpected value at offset {i}");
                i++;
                var dims = new List<long>();
                while (true)
                {
                    SkipSpace();
                    if (i < text.Length && text[i] == ')') { i++; return dims.ToArray(); }
                    int start = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    if (i == start || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d) || d > int.MaxValue)
                        throw bad($"malformed header: bad dimension at offset {start}");
                    if (dims.Count >= 32) throw bad("malformed header: too many dimensions");
                    dims.Add(d);
                    SkipSpace();
                    if (i < text.Length && text[i] == ',') i++;
                    else if (i >= text.Length || text[i] != ')') throw bad($"malformed header: expected ',' or ')' at offset {i}");
                }
            }

            var dict = new Dictionary<string, object>();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (i < text.Length && text[i] == '}') break;
                string key = ReadString();
                Expect(':');
                dict[key] = ReadValue();
                SkipSpace();
                if (i < text.Length && text[i] == ',') { i++; continue; }
                Expect('}');
                break;
            }
            return dict;
        }
    }
}
