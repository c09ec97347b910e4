#:project ../../src/BetterDepth.Evaluation/BetterDepth.Evaluation.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Does the refiner print its latent grid onto the depth? For every NAME.npy with a NAME_prior.npy beside it (as
// `betterdepth predict --save-prior` writes them), the prior is fitted to the refined map by least squares and the power
// spectrum of (refined - fitted prior) is averaged over images. A latent grid of period p pixels shows up as peaks at the
// frequencies (k W/p, l H/p); each such bin's power is compared with the median power of the bins around it
// (Chebyshev radius 1..3). A ratio near 1 means no periodic pattern; a printed texture gives ratios of 10 and more.
// Usage (repository root): dotnet run experiments/refiner-spectrum/spectrum.cs -- PREDICTIONS_DIR PERIOD [PERIOD ...]
using System.Globalization;
using BetterDepth;
using BetterDepth.Evaluation;
using BetterDepth.Geometry;
using BetterDepth.Imaging;
using static TorchSharp.torch;

if (args.Length < 2) { Console.Error.WriteLine("usage: spectrum.cs PREDICTIONS_DIR PERIOD [PERIOD ...]"); return 2; }
var dir = args[0];
var periods = args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
var pairs = Directory.EnumerateFiles(dir, "*_prior.npy", SearchOption.AllDirectories)
    .Select(p => (Prior: p, Refined: p[..^"_prior.npy".Length] + ".npy")).Where(p => File.Exists(p.Refined)).OrderBy(p => p.Refined).ToList();
if (pairs.Count == 0) { Console.Error.WriteLine($"{dir}: no NAME.npy + NAME_prior.npy pairs"); return 2; }

Tensor? sum = null;
int width = 0, height = 0, used = 0;
foreach (var (priorPath, refinedPath) in pairs)
{
    var refined = DepthFile.ReadNpy(refinedPath, DepthKind.AffineDisparity);
    var prior = DepthFile.ReadNpy(priorPath, DepthKind.AffineDisparity);
    if (!refined.SameSizeAs(prior)) { Console.Error.WriteLine($"{priorPath}: size differs from {refinedPath}"); return 2; }
    if (sum is not null && (refined.Width != width || refined.Height != height)) continue; // one size per spectrum
    (width, height) = (refined.Width, refined.Height);
    var valid = refined.Values.Select((v, i) => float.IsFinite(v) && float.IsFinite(prior.Values[i])).ToArray();
    var fit = LeastSquares.Fit(prior.Values, refined.Values, valid);
    var residual = refined.Values.Select((v, i) => valid[i] ? (float)(v - fit.Apply(prior.Values[i])) : 0f).ToArray();
    using var scope = NewDisposeScope();
    var r = tensor(residual, [height, width]);
    r = r.sub(r.mean());
    var power = fft.fft2(r).abs().square();
    sum = sum is null ? power.DetachFromDisposeScope() : sum.add_(power);
    used++;
}
var spectrum = sum!.div(used);
Console.WriteLine($"{used} images of {width}x{height} from {dir}");
Console.WriteLine("| period px | grid bins | mean power ratio (bin / median of its neighbourhood) | max ratio |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (var p in periods)
{
    var ratios = new List<double>();
    for (int k = 0; k < p; k++)
        for (int l = 0; l < p; l++)
        {
            if (k == 0 && l == 0) continue;
            if (width * k % p != 0 || height * l % p != 0) continue;
            int fy = height * l / p, fx = width * k / p;
            var around = new List<double>();
            for (int dy = -3; dy <= 3; dy++)
                for (int dx = -3; dx <= 3; dx++)
                    if (Math.Max(Math.Abs(dx), Math.Abs(dy)) >= 1)
                        around.Add(spectrum[((fy + dy) % height + height) % height, ((fx + dx) % width + width) % width].item<float>());
            around.Sort();
            ratios.Add(spectrum[fy, fx].item<float>() / Math.Max(1e-30, around[around.Count / 2]));
        }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {p} | {ratios.Count} | {ratios.Average():F2} | {ratios.Max():F2} |"));
}
return 0;
