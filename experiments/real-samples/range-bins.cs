#:project ../../src/BetterDepth.Evaluation/BetterDepth.Evaluation.csproj
#:property PublishAot=false
// AbsRel of disparity predictions on one real sample with 16-bit PNG ground truth, split by ground-truth depth: where a
// refined map's error differs from its prior's. Alignment as score.cs (GroundTruthAlignment, least squares in disparity,
// clipped to the range); per band: pixels, AbsRel, its share of the whole AbsRel, and the mean and spread of log(pred / gt).
// Usage: dotnet run experiments/real-samples/range-bins.cs -- GT.png METRES_PER_UNIT MAX_DEPTH PRED.npy...
//   e.g. GT = ../shared/data/real-rgbd/kitti-annotated/depth.png 0.00390625 80, predictions from
//   `betterdepth predict IMAGE --save-prior --formats npy` (NAME.npy refined, NAME_prior.npy the prior).
// Exit codes: 0 done, 2 bad arguments or files.
using System.Globalization;
using BetterDepth;
using BetterDepth.Evaluation;
using BetterDepth.Imaging;

if (args.Length < 4 || !double.TryParse(args[1], CultureInfo.InvariantCulture, out var unit) || unit <= 0
    || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var maxDepth) || maxDepth <= 0)
{
    Console.Error.WriteLine("usage: dotnet run experiments/real-samples/range-bins.cs -- GT.png METRES_PER_UNIT MAX_DEPTH PRED.npy...");
    return 2;
}
try
{
    const double minDepth = 1e-3;
    var gt = DepthFile.ReadPng16(args[0], unit);
    var valid = gt.Values.Select(v => v > minDepth && v < maxDepth).ToArray();
    double[] bands = [0, 8, 15, 25, 40, maxDepth];
    Console.WriteLine($"| prediction | AbsRel % | {string.Join(" | ", bands.Skip(1).Select((b, i) => $"{bands[i]:G3}-{b:G3} m: px, AbsRel %, share, log bias %, log sd %"))} |");
    foreach (var path in args.Skip(3))
    {
        var prediction = DepthFile.ReadNpy(path, DepthKind.Disparity);
        if (prediction.Width != gt.Width || prediction.Height != gt.Height)
            throw new InvalidDataException($"{path}: {prediction.Width}x{prediction.Height}, ground truth {gt.Width}x{gt.Height}");
        var aligned = GroundTruthAlignment.Align(prediction, gt, valid, AlignmentMode.LeastSquareDisparity, minDepth, maxDepth);
        int b0 = bands.Length - 1, total = 0;
        var (count, abs, log, log2) = (new int[b0], new double[b0], new double[b0], new double[b0]);
        for (int i = 0; i < gt.PixelCount; i++)
        {
            if (!valid[i]) continue;
            double g = gt.Values[i], d = aligned.Values[i], e = Math.Abs(d - g) / g, l = Math.Log(d / g);
            int b = Array.FindIndex(bands, 1, x => g < x) - 1;
            count[b]++; abs[b] += e; log[b] += l; log2[b] += l * l; total++;
        }
        var cells = Enumerable.Range(0, b0).Select(b =>
        {
            double n = Math.Max(1, count[b]), mean = log[b] / n;
            return $"{count[b]}, {100 * abs[b] / n:F1}, {100 * abs[b] / total:F2}, {100 * mean:F1}, {100 * Math.Sqrt(Math.Max(0, log2[b] / n - mean * mean)):F1}";
        });
        Console.WriteLine($"| {path} | {100 * abs.Sum() / total:F2} | {string.Join(" | ", cells)} |");
    }
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or InvalidFileException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"range-bins: {e.Message}");
    return 2;
}
