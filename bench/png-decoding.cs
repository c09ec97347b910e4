#:project ../src/BetterDepth.Synthetic/BetterDepth.Synthetic.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
#:property TieredCompilationQuickJitForLoops=false
// Time to read one image as predict and eval do: PNG inputs (8-bit RGB, here the real samples and rendered scenes at the
// bench's sizes, written by the library as predict's inputs are in `betterdepth bench`), the NYU sample's JPEG (decoded
// by StbImageSharp) and PNG ground truths (16-bit grey).
// Median and best of 30 after a warm-up, file read included. Usage (from the repository root):
//   dotnet run -c Release bench/png-decoding.cs
using System.Diagnostics;
using BetterDepth.Imaging;
using BetterDepth.Synthetic;

var realRgbd = Environment.GetEnvironmentVariable("BETTERDEPTH_REAL_RGBD") ?? Path.Combine("..", "shared", "data", "real-rgbd");
var scratch = Directory.CreateTempSubdirectory("png-decoding").FullName;
var files = new List<(string Name, string Path, bool Depth)>
{
    ("KITTI rgb 8-bit RGB", Path.Combine(realRgbd, "kitti-annotated", "rgb.png"), false),
    ("Middlebury im0 8-bit RGB", Path.Combine(realRgbd, "middlebury2014-motorcycle", "im0.png"), false),
    ("TUM rgb 8-bit RGB", Path.Combine(realRgbd, "tum-fr1", "1.png"), false),
    ("NYU rgb JPEG", Path.Combine(realRgbd, "nyu-crop", "rgb.jpg"), false),
    ("KITTI depth 16-bit", Path.Combine(realRgbd, "kitti-annotated", "depth.png"), true),
    ("NYU depth 16-bit", Path.Combine(realRgbd, "nyu-crop", "depth.png"), true),
    ("TUM depth 16-bit", Path.Combine(realRgbd, "tum-fr1", "1_depth.png"), true),
};
foreach (var size in new[] { 256, 512, 768 })
{
    var path = Path.Combine(scratch, $"scene{size}.png");
    ImageFile.WritePng(path, SceneRenderer.Render(1000, SceneKind.Indoor, size, size).Image);
    files.Add(($"rendered scene {size}x{size} 8-bit RGB", path, false));
}

Console.WriteLine($"{"file",-34} {"size",11} {"KiB",6} {"median ms",10} {"best ms",8} {"MB/s raw",9}");
foreach (var (name, path, depth) in files)
{
    int width = 0, height = 0, bytesPerPixel = depth ? 2 : 3;
    void Read()
    {
        if (depth) { var map = DepthFile.ReadPng16(path, 0.001); (width, height) = (map.Width, map.Height); }
        else { var image = ImageFile.ReadRgb(path); (width, height) = (image.Width, image.Height); }
    }
    Read();
    var times = new List<double>();
    for (int i = 0; i < 30; i++)
    {
        long start = Stopwatch.GetTimestamp();
        Read();
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
    times.Sort();
    double rawMB = width * (double)height * bytesPerPixel / 1e6;
    Console.WriteLine($"{name,-34} {$"{width}x{height}",11} {new FileInfo(path).Length / 1024,6} {times[15],10:F2} {times[0],8:F2} {rawMB / (times[15] / 1000),9:F0}");
}
Directory.Delete(scratch, recursive: true);
