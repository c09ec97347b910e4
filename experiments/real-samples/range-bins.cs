#:project ../../src/BetterDepth.Evaluation/BetterDepth.Evaluation.csproj
#:property PublishAot=false
// AbsRel of disparity predictions on one real sample with 16-bit PNG ground truth, split into bands of pixels: where a
// refined map's error differs from its prior's. Bands by ground-truth depth (default) or, with --by edge, by distance to
// the nearest ground-truth depth edge (iBims-1's detector, the edges the DBE metrics use). Alignment as score.cs
// (GroundTruthAlignment, least squares in disparity, clipped to the range). Per band: pixels, AbsRel, its share of the
// whole AbsRel, the mean and spread of log(pred / gt), and for every prediction after the first its own change against
// the first: its disparity fitted to the first's by least squares over all valid pixels, mean |fitted - first| / first.
// A band whose log bias moves by more than that change moves through the alignment to the ground truth, which the
// prediction's changes elsewhere shift.
// Usage: dotnet run experiments/real-samples/range-bins.cs -- [--by depth|edge] GT.png METRES_PER_UNIT MAX_DEPTH PRED.npy...
//   e.g. GT = ../shared/data/real-rgbd/kitti-annotated/depth.png 0.00390625 80, predictions from
//   `betterdepth predict IMAGE --save-prior --formats npy` (NAME_prior.npy the prior, first; NAME.npy refined).
// Exit codes: 0 done, 2 bad arguments or files.
using System.Globalization;
using BetterDepth;
using BetterDepth.Evaluation;
using BetterDepth.Geometry;
using BetterDepth.Imaging;

bool byEdge = args.Length > 1 && args[0] == "--by" && args[1] == "edge";
if (args.Length > 1 && args[0] == "--by" && (byEdge || args[1] == "depth")) args = args[2..];
if (args.Length < 4 || !double.TryParse(args[1], CultureInfo.InvariantCulture, out var unit) || unit <= 0
    || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var maxDepth) || maxDepth <= 0)
{
    Console.Error.WriteLine("usage: dotnet run experiments/real-samples/range-bins.cs -- [--by depth|edge] GT.png METRES_PER_UNIT MAX_DEPTH PRED.npy...");
    return 2;
}
try
{
    const double minDepth = 1e-3;
    var gt = DepthFile.ReadPng16(args[0], unit);
    var valid = gt.Values.Select(v => v > minDepth && v < maxDepth).ToArray();
    // a pixel's band key: its ground-truth depth in metres, or its distance in pixels to a ground-truth depth edge
    // (+infinity everywhere when there is no edge: every pixel in the last band)
    var key = byEdge ? DistanceTransform.Euclidean(DepthEdges.Detect(gt, valid, DepthEdgeSettings.IBims), gt.Width, gt.Height)
        : gt.Values.Select(v => (double)v).ToArray();
    double[] bands = byEdge ? [0, 2, 4, 8, 16, 32, double.PositiveInfinity] : [0, 8, 15, 25, 40, maxDepth];
    string unitName = byEdge ? "px from an edge" : "m";
    int BandOf(int i) => Math.Max(0, Array.FindIndex(bands, 1, x => key[i] < x || double.IsPositiveInfinity(x)) - 1);

    Console.WriteLine($"| prediction | AbsRel % | {string.Join(" | ", bands.Skip(1).Select((b, i) => $"{bands[i]:G3}-{(double.IsInfinity(b) ? "" : b.ToString("G3", CultureInfo.InvariantCulture))} {unitName}: px, AbsRel %, share, log bias %, log sd %, change %"))} |");
    double[]? first = null;
    foreach (var path in args.Skip(3))
    {
        var prediction = DepthFile.ReadNpy(path, DepthKind.Disparity);
        if (prediction.Width != gt.Width || prediction.Height != gt.Height)
            throw new InvalidDataException($"{path}: {prediction.Width}x{prediction.Height}, ground truth {gt.Width}x{gt.Height}");
        var aligned = GroundTruthAlignment.Align(prediction, gt, valid, AlignmentMode.LeastSquareDisparity, minDepth, maxDepth);
        var disparity = aligned.Values.Select(d => 1f / d).ToArray();
        Func<int, double>? change = null;
        if (first is { } reference)
        {
            var (a, b) = LeastSquares.Fit(disparity, reference.Select(v => (float)v).ToArray(), valid);
            change = i => Math.Abs(a * disparity[i] + b - reference[i]) / reference[i];
        }
        first ??= disparity.Select(v => (double)v).ToArray();

        int b0 = bands.Length - 1, total = 0;
        var (count, abs, log, log2, changed) = (new int[b0], new double[b0], new double[b0], new double[b0], new double[b0]);
        for (int i = 0; i < gt.PixelCount; i++)
        {
            if (!valid[i]) continue;
            double g = gt.Values[i], d = aligned.Values[i], e = Math.Abs(d - g) / g, l = Math.Log(d / g);
            int b = BandOf(i);
            count[b]++; abs[b] += e; log[b] += l; log2[b] += l * l; changed[b] += change?.Invoke(i) ?? 0; total++;
        }
        var cells = Enumerable.Range(0, b0).Select(b =>
        {
            double n = Math.Max(1, count[b]), mean = log[b] / n;
            var own = change is null ? "-" : (100 * changed[b] / n).ToString("F2", CultureInfo.InvariantCulture);
            return $"{count[b]}, {100 * abs[b] / n:F1}, {100 * abs[b] / total:F2}, {100 * mean:F1}, {100 * Math.Sqrt(Math.Max(0, log2[b] / n - mean * mean)):F1}, {own}";
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
