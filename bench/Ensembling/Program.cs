// Cost and accuracy of DepthEnsemble.Reduce on 10 noisy affine copies of a 768x576 map (Marigold's
// processing resolution, default ensemble size). Reports process CPU time, which stays meaningful on a
// shared machine where wall time does not.
using System.Diagnostics;
using BetterDepth.Imaging;
using BetterDepth.Refinement;

const int width = 768, height = 576, members = 10;
var rng = new Random(1);
var truth = new float[width * height];
for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
        truth[y * width + x] = (float)(2 + Math.Sin(3.0 * x / width * Math.PI) * Math.Cos(2.0 * y / height * Math.PI) + 0.5 * y / height);
var copies = Enumerable.Range(0, members).Select(_ =>
{
    double scale = 0.5 + rng.NextDouble() * 2, shift = rng.NextDouble() * 4;
    return new DepthMap(width, height, DepthKind.AffineDisparity,
        truth.Select(v => (float)(scale * v + shift + (rng.NextDouble() - 0.5) * 0.1)).ToArray());
}).ToList();
float low = truth.Min(), high = truth.Max();

foreach (var reduction in new[] { EnsembleReduction.Median, EnsembleReduction.Mean })
{
    var before = Process.GetCurrentProcess().TotalProcessorTime;
    var (result, uncertainty) = DepthEnsemble.Reduce(copies, reduction);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - before;
    double rms = Math.Sqrt(result.Values.Select((v, p) => { double e = v - (truth[p] - low) / (high - low); return e * e; }).Average());
    Console.WriteLine($"{reduction}: {members} x {width}x{height}: {cpu.TotalSeconds:F2} s CPU, RMS vs truth {rms:F4}, mean uncertainty {uncertainty!.Values.Average():F4}");
}
