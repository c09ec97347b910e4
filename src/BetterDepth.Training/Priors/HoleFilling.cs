namespace BetterDepth.Training.Priors;

/// <summary>
/// Fills pixels without data from their surroundings by push-pull: average the known pixels down an image pyramid
/// (2x2 blocks) until nothing is missing, then bring the coarse values back up, bilinearly, into the holes only.
/// Linear in the pixel count however large the holes are (sky, missing LiDAR rows).
/// </summary>
internal static class HoleFilling
{
    /// <summary>Replaces values where <paramref name="known"/> is false; needs at least one known pixel.</summary>
    public static void Fill(float[] values, bool[] known, int width, int height)
    {
        if (values.Length != width * height || known.Length != values.Length)
            throw new ArgumentException($"expected {width * height} values and mask entries, got {values.Length} and {known.Length}");
        if (!known.Contains(false)) return;
        if (!known.Contains(true)) throw new ArgumentException("nothing to fill from: no known pixel");
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        var coarse = new float[cw * ch];
        var coarseKnown = new bool[cw * ch];
        for (int cy = 0; cy < ch; cy++)
            for (int cx = 0; cx < cw; cx++)
            {
                double sum = 0;
                int count = 0;
                for (int y = 2 * cy; y < Math.Min(2 * cy + 2, height); y++)
                    for (int x = 2 * cx; x < Math.Min(2 * cx + 2, width); x++)
                        if (known[y * width + x]) { sum += values[y * width + x]; count++; }
                if (count > 0) { coarse[cy * cw + cx] = (float)(sum / count); coarseKnown[cy * cw + cx] = true; }
            }
        Fill(coarse, coarseKnown, cw, ch);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (!known[y * width + x]) values[y * width + x] = Bilinear(coarse, cw, ch, (x + 0.5) / 2 - 0.5, (y + 0.5) / 2 - 0.5);
    }

    static float Bilinear(float[] map, int w, int h, double x, double y)
    {
        x = Math.Clamp(x, 0, w - 1);
        y = Math.Clamp(y, 0, h - 1);
        int x0 = (int)x, y0 = (int)y, x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        return (float)((1 - fy) * ((1 - fx) * map[y0 * w + x0] + fx * map[y0 * w + x1]) + fy * ((1 - fx) * map[y1 * w + x0] + fx * map[y1 * w + x1]));
    }
}
