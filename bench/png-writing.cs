#:project ../src/BetterDepth/BetterDepth.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Where the time of writing one prediction's PNGs goes, on a real disparity map (a rendered indoor scene), and what a
// faster deflate level would buy. Usage (from the repository root): dotnet run bench/png-writing.cs -- [SIZE=512]
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;
using BetterDepth.Synthetic;

int size = args.Length > 0 ? int.Parse(args[0]) : 512;
var depth = SceneRenderer.Render(5, SceneKind.Indoor, size, size).Depth;
var disparity = new DepthMap(size, size, DepthKind.AffineDisparity, depth.Values.Select(v => v > 0 ? 1f / v : 0f).ToArray());
float max = disparity.Values.Max();
var units = disparity.Values.Select(v => (ushort)Math.Round(v / max * 65535)).ToArray();
var dir = Directory.CreateTempSubdirectory("png-writing").FullName;

double Best(Action action)
{
    action();
    double best = double.MaxValue;
    for (int r = 0; r < 9; r++) { var t = Stopwatch.StartNew(); action(); best = Math.Min(best, t.Elapsed.TotalMilliseconds); }
    return best;
}

var colour = ColorMaps.Colorize(disparity);
Console.WriteLine($"{size}x{size} disparity of a rendered indoor scene; best of 9 after a warm-up, ms");
Console.WriteLine($"colour map (Colorize)                 {Best(() => ColorMaps.Colorize(disparity)),7:F1}");
Console.WriteLine($"16-bit PNG, encoded in memory         {Best(() => PngWriter.WriteGray16(new MemoryStream(), size, size, units)),7:F1}");
Console.WriteLine($"16-bit PNG, written to a file         {Best(() => DepthFile.WritePng16(Path.Combine(dir, "d.png"), disparity, 65535 / max)),7:F1}");
Console.WriteLine($"colour PNG, encoded in memory         {Best(() => PngWriter.WriteRgb8(new MemoryStream(), size, size, colour.Data)),7:F1}");
Console.WriteLine($"npy, written to a file                {Best(() => DepthFile.WriteNpy(Path.Combine(dir, "d.npy"), disparity)),7:F1}");

// The deflate step alone at both levels: the filtered rows are recovered from the encoder's own IDAT, then deflated again.
foreach (var (name, encode) in new (string, Action<Stream>)[]
{
    ("16-bit PNG", s => PngWriter.WriteGray16(s, size, size, units)),
    ("colour PNG", s => PngWriter.WriteRgb8(s, size, size, colour.Data)),
})
{
    var png = new MemoryStream();
    encode(png);
    var filtered = FilteredRows(png.ToArray());
    foreach (var level in new[] { CompressionLevel.Optimal, CompressionLevel.Fastest })
    {
        long bytes = 0;
        double ms = Best(() =>
        {
            var output = new MemoryStream();
            using (var zlib = new ZLibStream(output, level, leaveOpen: true)) zlib.Write(filtered);
            bytes = output.Length;
        });
        Console.WriteLine($"{name} deflate at {level,-8}          {ms,7:F1}   {bytes / 1024,5} KiB");
    }
}
Directory.Delete(dir, recursive: true);

static byte[] FilteredRows(byte[] png)
{
    for (int offset = 8; offset < png.Length;)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
        if (System.Text.Encoding.ASCII.GetString(png, offset + 4, 4) == "IDAT")
        {
            using var inflate = new ZLibStream(new MemoryStream(png, offset + 8, length), CompressionMode.Decompress);
            var rows = new MemoryStream();
            inflate.CopyTo(rows);
            return rows.ToArray();
        }
        offset += length + 12;
    }
    throw new InvalidDataException("no IDAT chunk");
}
