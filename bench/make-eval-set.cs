#:project ../src/BetterDepth/BetterDepth.csproj
// Builds an NYU-sized evaluation set for bench/eval-throughput.sh: the real NYU sample (565x427 crop at x=43, y=45)
// placed back into its 640x480 frame, copied N times in Marigold's NYU layout, with disparity predictions
// (an affine of the true disparity plus deterministic noise) beside them.
// usage: dotnet run make-eval-set.cs -- <real nyu-crop dir> <out dir> <N>
using BetterDepth;
using BetterDepth.Imaging;

var (source, output, count) = (args[0], args[1], int.Parse(args[2]));
const int width = 640, height = 480, left = 43, top = 45;
var crop = DepthFile.ReadPng16(Path.Combine(source, "depth.png"), 1e-3);
var frame = new DepthMap(width, height, DepthKind.Depth);
for (var y = 0; y < crop.Height; y++)
    Array.Copy(crop.Values, y * crop.Width, frame.Values, (top + y) * width + left, crop.Width);

var data = Path.Combine(output, "data");
var predictions = Path.Combine(output, "predictions");
var lines = new List<string>();
var random = new Random(1);
for (var i = 1; i <= count; i++)
{
    var scene = $"test/bench_{i / 100:000}";
    Directory.CreateDirectory(Path.Combine(data, scene));
    Directory.CreateDirectory(Path.Combine(predictions, scene));
    File.Copy(Path.Combine(source, "rgb.jpg"), Path.Combine(data, scene, $"rgb_{i:0000}.jpg"), true);
    DepthFile.WritePng16(Path.Combine(data, scene, $"depth_{i:0000}.png"), frame, 1000);
    var disparity = new float[width * height];
    for (var p = 0; p < disparity.Length; p++)
    {
        var d = frame.Values[p] > 0 ? frame.Values[p] : 5f;
        disparity[p] = 3f / d + 0.2f + 0.02f * (random.NextSingle() - 0.5f);
    }
    DepthFile.WriteNpy(Path.Combine(predictions, scene, $"rgb_{i:0000}.npy"), new DepthMap(width, height, DepthKind.AffineDisparity, disparity));
    lines.Add($"{scene}/rgb_{i:0000}.jpg {scene}/depth_{i:0000}.png {scene}/depth_{i:0000}.png");
}
File.WriteAllLines(Path.Combine(data, "filename_list_test.txt"), lines);
Console.WriteLine($"{count} samples in {output}");
