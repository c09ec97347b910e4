#:project ../../src/BetterDepth/BetterDepth.csproj
#:property PublishAot=false
// What a prior that predicts at 1/K of the resolution (the learned prior's head works at 1/4) can reach with a perfect
// layout: each ground-truth disparity map of a synthetic set averaged over K x K blocks (sky and missing depth as
// disparity 0, infinitely far) and brought back to full size the way PriorCnn's output is (bilinear, half-pixel
// centres), written as a prediction. `eval --detail` of these bounds delta1 and the boundary metrics of any such head;
// delta1_at_edges / delta1_elsewhere show that the loss is all at the boundaries.
// Usage (repository root):
//   dotnet run experiments/prior-ceiling/ceiling.cs -- runs/heldout-a 4 OUT/pred/rgb
//   ./betterdepth eval --dataset runs/heldout-a/dataset.json --predictions OUT/pred --detail -o OUT/eval
using BetterDepth;
using BetterDepth.Imaging;
using static TorchSharp.torch;

if (args.Length != 3 || !int.TryParse(args[1], out var k) || k < 1) { Console.Error.WriteLine("usage: ceiling.cs SYNTH-DATASET-FOLDER K OUTPUT-FOLDER"); return 2; }
var (set, output) = (args[0], args[2]);
Directory.CreateDirectory(output);
var files = Directory.GetFiles(Path.Combine(set, "depth"), "*.npy").Order().ToArray();
foreach (var file in files)
{
    using var scope = NewDisposeScope();
    var depth = DepthFile.ReadNpy(file, DepthKind.Depth);
    if (depth.Width % k != 0 || depth.Height % k != 0) { Console.Error.WriteLine($"{file}: {depth.Width}x{depth.Height} is not a multiple of {k}"); return 2; }
    var disparity = depth.Values.Select(d => d > 0 && float.IsFinite(d) ? 1f / d : 0f).ToArray();
    var blocks = nn.functional.avg_pool2d(tensor(disparity).reshape(1, 1, depth.Height, depth.Width), k);
    var back = nn.functional.interpolate(blocks, size: [depth.Height, depth.Width], mode: InterpolationMode.Bilinear, align_corners: false);
    Npy.WriteFloat32(Path.Combine(output, Path.GetFileName(file)), back.flatten().data<float>().ToArray(), depth.Height, depth.Width);
}
Console.WriteLine($"{files.Length} block-averaged maps (1/{k}) written to {output}");
return 0;
