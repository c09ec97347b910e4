#:project ../src/BetterDepth/BetterDepth.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
#:property TieredCompilationQuickJitForLoops=false
// Where the time of writing one prediction goes, and what each zlib level costs and buys. Three maps: a real
// prediction (the NYU sample's image through the shipped learned prior and refiner, at its own 565x427; diffusion
// output carries fine texture that deflates far worse than clean ground truth) and two real ground truths (NYU depth as
// disparity, Middlebury disparity). Usage (from the repository root): dotnet run -c Release bench/png-writing.cs
using System.Diagnostics;
using BetterDepth;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;
using BetterDepth.Priors;
using BetterDepth.Refinement;

var realRgbd = Environment.GetEnvironmentVariable("BETTERDEPTH_REAL_RGBD") ?? Path.Combine("..", "shared", "data", "real-rgbd");
var nyu = Path.Combine(realRgbd, "nyu-crop");
var maps = new List<(string Name, DepthMap Disparity)>
{
    ("refined prediction, NYU 565x427", Refine(ImageFile.ReadRgb(Path.Combine(nyu, "rgb.jpg")))),
    ("NYU ground truth 565x427", ToDisparity(DepthFile.ReadPng16(Path.Combine(nyu, "depth.png"), 0.001))),
    ("Middlebury ground truth 741x497", DepthFile.ReadPfm(Path.Combine(realRgbd, "middlebury2014-motorcycle", "disp0GT.pfm"), DepthKind.Disparity)),
};
var dir = Directory.CreateTempSubdirectory("png-writing").FullName;

double Best(Action action)
{
    action();
    double best = double.MaxValue;
    for (int r = 0; r < 9; r++) { var t = Stopwatch.StartNew(); action(); best = Math.Min(best, t.Elapsed.TotalMilliseconds); }
    return best;
}

Console.WriteLine("best of 9 after a warm-up, ms (KiB)");
foreach (var (name, disparity) in maps)
{
    int w = disparity.Width, h = disparity.Height;
    float max = disparity.Values.Where(float.IsFinite).Max();
    var units = disparity.Values.Select(v => float.IsFinite(v) ? (ushort)Math.Round(v / max * 65535) : (ushort)0).ToArray();
    var colour = ColorMaps.Colorize(disparity);
    Console.WriteLine($"{name}");
    Console.WriteLine($"  colour map (Colorize)        {Best(() => ColorMaps.Colorize(disparity)),6:F1}");
    Console.WriteLine($"  colour levels (ColorizeIndexed){Best(() => ColorMaps.ColorizeIndexed(disparity)),4:F1}");
    Console.WriteLine($"  npy, written to a file       {Best(() => DepthFile.WriteNpy(Path.Combine(dir, "d.npy"), disparity)),6:F1}   (atomic: temp file, fsync, rename)");
    var npyBytes = File.ReadAllBytes(Path.Combine(dir, "d.npy"));
    Console.WriteLine($"  the same bytes, plain write  {Best(() => File.WriteAllBytes(Path.Combine(dir, "plain.npy"), npyBytes)),6:F1}   (no temp file, no fsync)");
    Console.WriteLine($"  colour palette PNG, written  {Best(() => DepthFile.WriteColorPng(Path.Combine(dir, "c.png"), disparity)),6:F1}   ({new FileInfo(Path.Combine(dir, "c.png")).Length / 1024} KiB, what predict writes)");
    Console.WriteLine($"  16-bit PNG, written to a file{Best(() => DepthFile.WritePng16(Path.Combine(dir, "d.png"), disparity, 65535 / max)),6:F1}   (the default: run-length)");
    var palette = ColorMaps.ColorizeIndexed(disparity);
    foreach (var (kind, encode) in new (string, Action<Stream, PngCompression>)[]
    {
        ("16-bit", (s, compression) => PngWriter.WriteGray16(s, w, h, units, compression)),
        ("palette", (s, compression) => PngWriter.WriteIndexed8(s, palette, compression)),
        ("RGB colour", (s, compression) => PngWriter.WriteRgb8(s, w, h, colour.Data, compression)),
    })
    {
        var cells = new List<string>();
        var settings = new[] { 1, 2, 3, 4, 5, 6, 9 }.Select(level => ($"L{level}", PngCompression.Zlib(level)))
            .Prepend(("RLE", PngCompression.Default)).Append(("Huffman", new PngCompression(6, System.IO.Compression.ZLibCompressionStrategy.HuffmanOnly)));
        foreach (var (setting, compression) in settings)
        {
            long bytes = 0;
            double ms = Best(() => { var s = new MemoryStream(); encode(s, compression); bytes = s.Length; });
            cells.Add($"{setting} {ms,5:F1} ({bytes / 1024,4})");
        }
        Console.WriteLine($"  {kind} PNG in memory  " + string.Join("  ", cells));
    }
}
Directory.Delete(dir, recursive: true);

static DepthMap Refine(RgbImage image)
{
    using var prior = PriorRegistry.Create("learned");
    using var refiner = RefinerModel.Load(Path.Combine("models", "refiner"), TorchSharp.torch.CPU);
    return new RefinementPipeline(prior, refiner, new RefinementOptions { ProcessingResolution = 0 }).Run(image).Refined;
}

static DepthMap ToDisparity(DepthMap depth) =>
    new(depth.Width, depth.Height, DepthKind.AffineDisparity, depth.Values.Select(v => v > 0 ? 1f / v : 0f).ToArray());
