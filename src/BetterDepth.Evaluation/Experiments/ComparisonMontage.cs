using BetterDepth.Evaluation.Drawing;
using BetterDepth.Geometry;
using BetterDepth.Imaging;

namespace BetterDepth.Evaluation;

/// <summary>One row of a comparison figure: an image, its ground truth and any number of predictions.</summary>
public sealed record MontageRow(RgbImage Image, DepthMap GroundTruthDepth, bool[] Valid, IReadOnlyList<(string Label, DepthMap Prediction)> Predictions);

/// <summary>
/// The figure a reader needs to judge a refiner: per row the image, the ground-truth disparity, each prediction
/// aligned to the ground truth (least squares in disparity space, as evaluation does) on the same colour scale,
/// and each prediction's relative error |p - g| / g (0 to 20%, black where there is no ground truth).
/// </summary>
public static class ComparisonMontage
{
    const int Gap = 4, LabelHeight = 14;
    public const double ErrorScale = 0.2;

    public static RgbImage Render(IReadOnlyList<MontageRow> rows, double minDepth = 1e-3, double maxDepth = 80)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to draw");
        int w = rows[0].Image.Width, h = rows[0].Image.Height;
        int predictions = rows[0].Predictions.Count;
        int columns = 2 + 2 * predictions;
        var canvas = new Canvas(columns * (w + Gap) + Gap, rows.Count * (h + Gap) + Gap + LabelHeight, (255, 255, 255));

        var labels = new List<string> { "IMAGE", "GROUND TRUTH" };
        labels.AddRange(rows[0].Predictions.Select(p => p.Label.ToUpperInvariant()));
        labels.AddRange(rows[0].Predictions.Select(p => "ERROR " + p.Label.ToUpperInvariant()));
        for (int c = 0; c < columns; c++) canvas.Text(Fit(labels[c], w), Gap + c * (w + Gap), 4, (0, 0, 0));

        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Image.Width != w || row.Image.Height != h || row.Predictions.Count != predictions)
                throw new ArgumentException($"montage row {r} differs in size or number of predictions from row 0");
            int y = LabelHeight + Gap + r * (h + Gap);
            var gtDisparity = Inverse(row.GroundTruthDepth, row.Valid);
            var (lo, hi) = Range(gtDisparity, row.Valid);
            var tiles = new List<RgbImage> { row.Image, ColorMaps.Colorize(gtDisparity, ColorMap.Spectral, lo, hi, row.Valid) };
            var errors = new List<RgbImage>();
            foreach (var (_, prediction) in row.Predictions)
            {
                var aligned = GroundTruthAlignment.Align(prediction, row.GroundTruthDepth, row.Valid, AlignmentMode.LeastSquareDisparity, minDepth, maxDepth);
                tiles.Add(ColorMaps.Colorize(Inverse(aligned, null), ColorMap.Spectral, lo, hi, null));
                errors.Add(ColorMaps.Colorize(RelativeError(aligned, row.GroundTruthDepth, row.Valid), ColorMap.Turbo, 0, (float)ErrorScale, row.Valid));
            }
            tiles.AddRange(errors);
            for (int c = 0; c < tiles.Count; c++) canvas.Paste(tiles[c], Gap + c * (w + Gap), y);
        }
        return canvas.Image;
    }

    static string Fit(string label, int width)
    {
        int max = Math.Max(1, (width + 1) / BitmapFont.Advance);
        return label.Length <= max ? label : label[..max];
    }

    static DepthMap Inverse(DepthMap depth, bool[]? valid)
    {
        var v = new float[depth.PixelCount];
        for (int i = 0; i < v.Length; i++) v[i] = (valid is null || valid[i]) && depth.Values[i] > 0 ? 1f / depth.Values[i] : 0f;
        return new DepthMap(depth.Width, depth.Height, DepthKind.Disparity, v);
    }

    static (float, float) Range(DepthMap map, bool[] valid)
    {
        var values = map.Values.Where((_, i) => valid[i]).ToArray();
        if (values.Length == 0) return (0, 1);
        return ((float)OrderStatistics.Quantile(values, 0.01), (float)OrderStatistics.Quantile(values, 0.99));
    }

    static DepthMap RelativeError(DepthMap prediction, DepthMap gt, bool[] valid)
    {
        var e = new float[gt.PixelCount];
        for (int i = 0; i < e.Length; i++) e[i] = valid[i] && gt.Values[i] > 0 ? Math.Abs(prediction.Values[i] - gt.Values[i]) / gt.Values[i] : 0f;
        return new DepthMap(gt.Width, gt.Height, DepthKind.AffineDepth, e);
    }
}
