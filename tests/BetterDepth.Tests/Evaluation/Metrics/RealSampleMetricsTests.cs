using BetterDepth.Evaluation;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Evaluation.Metrics;

/// <summary>The metrics on real ground truth: NYU Depth v2 (16-bit PNG, mm) and Middlebury 2014 (PFM disparity), against itself, a blurred copy, and its raw disparity.</summary>
public class RealSampleMetricsTests
{
    static (DepthMap gt, bool[] valid) Nyu()
    {
        var gt = DepthFile.ReadPng16(TestData.Real("nyu-crop", "depth.png"), 0.001);
        // NYU evaluation range (Marigold): 1e-3 .. 10 m, open
        var valid = gt.Values.Select(v => v > 1e-3f && v < 10f).ToArray();
        return (gt, valid);
    }

    /// <summary>Mean over a (2r+1)^2 window of valid pixels: smooths depth edges the way feed-forward models do.</summary>
    static DepthMap BoxBlur(DepthMap map, bool[] valid, int r)
    {
        var result = map.Clone();
        for (int y = 0; y < map.Height; y++)
        for (int x = 0; x < map.Width; x++)
        {
            double sum = 0; int n = 0;
            for (int yy = Math.Max(0, y - r); yy <= Math.Min(map.Height - 1, y + r); yy++)
            for (int xx = Math.Max(0, x - r); xx <= Math.Min(map.Width - 1, x + r); xx++)
                if (valid[yy * map.Width + xx]) { sum += map[xx, yy]; n++; }
            if (n > 0) result[x, y] = (float)(sum / n);
        }
        return result;
    }

    [Fact]
    public void GroundTruthAgainstItselfIsPerfect()
    {
        var (gt, valid) = Nyu();
        Assert.Equal(565 * 427, gt.PixelCount);
        Assert.True(valid.Count(v => v) > gt.PixelCount / 2);

        var depth = DepthMetrics.Compute(gt.Values, gt.Values, valid);
        Assert.Equal(0, depth["abs_rel"]);
        Assert.Equal(0, depth["rmse"]);
        Assert.Equal(1, depth["delta1"]);
        Assert.Equal(0, depth["silog_rmse"], 3);

        var detail = DetailMetrics.Compute(gt, gt, valid);
        Assert.Equal([0.0, 0.0, 1.0, 1.0], detail.Values);
        Assert.True(DepthEdges.Detect(gt, valid, DepthEdgeSettings.IBims).Count(e => e) > 200, "a real indoor scene has depth edges");
    }

    [Fact]
    public void BlurredGroundTruthIsWorseEspeciallyAtEdges()
    {
        var (gt, valid) = Nyu();
        var blurred = BoxBlur(gt, valid, 4);
        var aligned = GroundTruthAlignment.Align(blurred, gt, valid, AlignmentMode.LeastSquare, 1e-3, 10);

        var depth = DepthMetrics.Compute(aligned.Values, gt.Values, valid);
        Assert.True(depth["abs_rel"] > 0.001, depth.ToString());
        Assert.True(depth["delta1"] > 0.9, depth.ToString()); // still close almost everywhere

        var detail = DetailMetrics.Compute(aligned, gt, valid);
        Assert.True(detail["dbe_comp"] > 1.0, detail.ToString());
        Assert.True(detail["edge_recall"] < 0.8, detail.ToString());
    }

    /// <summary>Middlebury 2014 Motorcycle: disparity d (px, +inf = unknown, read as 0) to depth Z = baseline * f / (d + doffs), calib.txt values.</summary>
    static (DepthMap disparity, DepthMap depth, bool[] valid) Middlebury()
    {
        const double baselineMm = 193.001, focalPx = 999.421, doffs = 32.778;
        var disparity = DepthFile.ReadPfm(TestData.Real("middlebury2014-motorcycle", "disp0GT.pfm"), DepthKind.Disparity);
        var valid = disparity.Values.Select(d => d > 0).ToArray();
        var depth = new DepthMap(disparity.Width, disparity.Height, DepthKind.Depth,
            disparity.Values.Select(d => d > 0 ? (float)(baselineMm * focalPx / (d + doffs) / 1000.0) : 0f).ToArray());
        return (disparity, depth, valid);
    }

    [Fact]
    public void MiddleburyDisparityAlignedInDisparitySpaceGivesTheDepthBack()
    {
        // 1/Z = (d + doffs) / (baseline * f) is affine in d, so the disparity fit must recover the depth exactly
        var (disparity, depth, valid) = Middlebury();
        Assert.Equal(741 * 497, depth.PixelCount);
        var aligned = GroundTruthAlignment.Align(disparity.WithKind(DepthKind.AffineDisparity), depth, valid, AlignmentMode.LeastSquareDisparity, 1e-3, 100, out var fit);
        Assert.Equal(1000.0 / (193.001 * 999.421), fit.Scale, 6);
        var m = DepthMetrics.Compute(aligned.Values, depth.Values, valid);
        Assert.True(m["abs_rel"] < 1e-5, m.ToString());
        Assert.Equal(1.0, m["delta1"]);

        // fitting the same disparity in depth space cannot follow the 1/d curve
        var wrongSpace = GroundTruthAlignment.Align(disparity, depth, valid, AlignmentMode.LeastSquare, 1e-3, 100);
        Assert.True(DepthMetrics.Compute(wrongSpace.Values, depth.Values, valid)["abs_rel"] > 100 * m["abs_rel"]);

        Assert.Equal([0.0, 0.0, 1.0, 1.0], DetailMetrics.Compute(aligned, depth, valid).Values);
    }
}
