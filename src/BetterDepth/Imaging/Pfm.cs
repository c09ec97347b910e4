using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace BetterDepth.Imaging;

/// <summary>
/// Portable Float Map, the format of Middlebury and Scene Flow disparities: a text header "Pf" (one channel),
/// "width height", and a scale whose sign gives the byte order (negative = little-endian), then float32 rows
/// stored bottom-to-top. +inf marks pixels without ground truth.
/// </summary>
public static class Pfm
{
    /// <summary>Decodes a single-channel PFM into top-to-bottom row order; +inf (no data) becomes 0.</summary>
    public static (int Width, int Height, float[] Values) Decode(byte[] file, string path)
    {
        InvalidFileException Bad(string problem) => new(path, problem);
        int pos = 0;
        string NextToken()
        {
            while (pos < file.Length && IsSpace(file[pos])) pos++;
            int start = pos;
            while (pos < file.Length && !IsSpace(file[pos]) && pos - start < 64) pos++;
            if (pos == start || pos >= file.Length) throw Bad("truncated header");
            return Encoding.ASCII.GetString(file, start, pos - start);
        }

        string magic = NextToken();
        if (magic == "PF") throw Bad("colour PFM (PF) is not a depth map; expected a single-channel 'Pf' file");
        if (magic != "Pf") throw Bad("not a PFM file (expected 'Pf')");
        if (!int.TryParse(NextToken(), NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width <= 0 ||
            !int.TryParse(NextToken(), NumberStyles.None, CultureInfo.InvariantCulture, out int height) || height <= 0)
            throw Bad("invalid size in header");
        if (!double.TryParse(NextToken(), NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) || scale == 0 || !double.IsFinite(scale))
            throw Bad("invalid scale in header (must be a nonzero number; its sign gives the byte order)");
        DecodeLimit.Check(width, height, path);
        // Exactly one whitespace character separates the header from the data.
        pos++;
        long expected = (long)width * height * 4;
        long available = file.Length - pos;
        if (expected != available) throw Bad($"header claims {width}x{height} floats ({expected} bytes) but {available} bytes follow");

        bool littleEndian = scale < 0;
        var values = new float[width * height];
        for (int row = 0; row < height; row++)
        {
            int y = height - 1 - row; // bottom-to-top storage
            for (int x = 0; x < width; x++)
            {
                var item = file.AsSpan(pos + (row * width + x) * 4, 4);
                float v = littleEndian ? BinaryPrimitives.ReadSingleLittleEndian(item) : BinaryPrimitives.ReadSingleBigEndian(item);
                values[y * width + x] = CheckValue(v, x, y, Bad);
            }
        }
        return (width, height, values);
    }

    /// <summary>+inf is the format's "no data" marker and becomes 0 (invalid); NaN and -inf are corruption.</summary>
    internal static float CheckValue(float v, int x, int y, Func<string, InvalidFileException> bad)
    {
        if (float.IsFinite(v)) return v;
        if (float.IsPositiveInfinity(v)) return 0f;
        throw bad($"{(float.IsNaN(v) ? "NaN" : "-inf")} at pixel ({x}, {y})");
    }

    static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    /// <summary>Little-endian single-channel PFM (scale -1), rows bottom-to-top.</summary>
    public static void Write(Stream stream, int width, int height, ReadOnlySpan<float> values)
    {
        stream.Write(Encoding.ASCII.GetBytes($"Pf\n{width} {height}\n-1\n"));
        var row = new byte[width * 4];
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = 0; x < width; x++) BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(x * 4), values[y * width + x]);
            stream.Write(row);
        }
    }
}
