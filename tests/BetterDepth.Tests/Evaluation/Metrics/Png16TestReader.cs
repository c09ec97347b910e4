using System.Buffers.Binary;
using System.IO.Compression;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Evaluation.Metrics;

/// <summary>
/// Reads the 16-bit greyscale ground-truth PNGs of the real samples for the metric tests, while the Imaging module
/// (DepthFile.ReadPng16) is written in parallel. Non-interlaced 16-bit greyscale only; anything else fails the test.
/// </summary>
static class Png16TestReader
{
    public static DepthMap ReadDepth(string path, double metresPerUnit)
    {
        var bytes = File.ReadAllBytes(path);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < bytes.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.True(data[8] == 16 && data[9] == 0 && data[12] == 0, $"{path}: expected non-interlaced 16-bit greyscale");
            }
            else if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.ToArray();

        int stride = width * 2;
        var previous = new byte[stride];
        var current = new byte[stride];
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            Array.Copy(raw, y * (stride + 1) + 1, current, 0, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= 2 ? current[i - 2] : 0, b = previous[i], c = i >= 2 ? previous[i - 2] : 0;
                current[i] += filter switch
                {
                    0 => 0, 1 => (byte)a, 2 => (byte)b, 3 => (byte)((a + b) / 2),
                    4 => (byte)Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: filter {filter}"),
                };
            }
            for (int x = 0; x < width; x++) values[y * width + x] = (float)(((current[2 * x] << 8) | current[2 * x + 1]) * metresPerUnit);
            (previous, current) = (current, previous);
        }
        return new DepthMap(width, height, DepthKind.Depth, values);
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
