using BetterDepth.Geometry;

namespace BetterDepth.Evaluation;

/// <summary>
/// Exact Euclidean distance transform (Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions", 2012):
/// a 1-D lower envelope of parabolas along every column, then along every row, in O(pixels).
/// </summary>
public static class DistanceTransform
{
    /// <summary>
    /// Distance in pixels from every pixel to the nearest pixel where <paramref name="features"/> is true
    /// (0 on features, +infinity everywhere when there is no feature), like scipy's distance_transform_edt of the complement.
    /// </summary>
    public static double[] Euclidean(bool[] features, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"size must be positive, got {width}x{height}");
        MapChecks.SameLength(width * height, features.Length, nameof(features), "feature mask");

        var squared = new double[features.Length];
        for (int i = 0; i < squared.Length; i++) squared[i] = features[i] ? 0 : double.PositiveInfinity;

        int longest = Math.Max(width, height);
        var line = new double[longest];
        var result = new double[longest];
        var sites = new int[longest];
        var boundaries = new double[longest + 1];

        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) line[y] = squared[y * width + x];
            LowerEnvelope(line, height, result, sites, boundaries);
            for (int y = 0; y < height; y++) squared[y * width + x] = result[y];
        }
        for (int y = 0; y < height; y++)
        {
            Array.Copy(squared, y * width, line, 0, width);
            LowerEnvelope(line, width, result, sites, boundaries);
            Array.Copy(result, 0, squared, y * width, width);
        }

        var distance = new double[squared.Length];
        for (int i = 0; i < distance.Length; i++) distance[i] = Math.Sqrt(squared[i]);
        return distance;
    }

    /// <summary>
    /// result[q] = min over p of (q - p)^2 + f[p]. Sites with f = +infinity contribute nothing and are skipped, so the
    /// intersections stay exact (the paper's large-constant trick loses precision in double).
    /// </summary>
    static void LowerEnvelope(double[] f, int n, double[] result, int[] sites, double[] boundaries)
    {
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0;
                sites[0] = q;
                boundaries[0] = double.NegativeInfinity;
                boundaries[1] = double.PositiveInfinity;
                continue;
            }
            double s = Intersection(f, q, sites[k]);
            // boundaries[0] is -infinity, so this stops at the first parabola at the latest
            while (s <= boundaries[k])
            {
                k--;
                s = Intersection(f, q, sites[k]);
            }
            k++;
            sites[k] = q;
            boundaries[k] = s;
            boundaries[k + 1] = double.PositiveInfinity;
        }

        if (k < 0)
        {
            // no feature on this line: its distances come only from the other pass
            Array.Fill(result, double.PositiveInfinity, 0, n);
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++)
        {
            while (boundaries[j + 1] < q) j++;
            double d = q - sites[j];
            result[q] = d * d + f[sites[j]];
        }
    }

    /// <summary>Where the parabola rooted at q (q &gt; p) overtakes the one rooted at p.</summary>
    static double Intersection(double[] f, int q, int p) => (f[q] + (double)q * q - (f[p] + (double)p * p)) / (2.0 * (q - p));
}
