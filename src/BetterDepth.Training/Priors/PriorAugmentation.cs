namespace BetterDepth.Training.Priors;

/// <summary>
/// Training-time augmentation of one RGB-D pair for the learned prior, drawn from the batch's own random stream so
/// a resumed run sees the same pixels. Geometric: a random crop of 55-100% of each side at the full aspect (a
/// narrower field of view and another framing of the same scene), resampled to the working size, and a mirror.
/// Photometric: exposure, contrast, saturation, white balance, gamma, sensor noise and a slight blur, so the
/// network keys on geometry rather than the renderer's exact shading. Depth is resampled by nearest neighbour:
/// targets keep exact values and never mix the two sides of an occlusion edge.
/// </summary>
internal static class PriorAugmentation
{
    /// <summary>The pair as the network trains on it: the image (cropped, still at its own resolution) and the target at the working size.</summary>
    public sealed record Sample(RgbImage Image, float[] Disparity, bool[] Valid);

    public static Sample Apply(RgbImage image, float[] disparity, bool[] valid, int width, int height, Random rng, bool augment, bool flip)
    {
        var (x0, y0, cw, ch) = (0, 0, image.Width, image.Height);
        if (augment && rng.NextDouble() < 0.7)
        {
            var scale = 0.55 + 0.45 * rng.NextDouble();
            cw = Math.Max(8, (int)Math.Round(image.Width * scale));
            ch = Math.Max(8, (int)Math.Round(image.Height * scale));
            x0 = rng.Next(image.Width - cw + 1);
            y0 = rng.Next(image.Height - ch + 1);
        }
        var rgb = Crop(image, x0, y0, cw, ch, flip);
        if (augment) Photometric(rgb, rng);
        var (d, v) = NearestTarget(disparity, valid, image.Width, x0, y0, cw, ch, width, height, flip);
        return new Sample(rgb, d, v);
    }

    static RgbImage Crop(RgbImage image, int x0, int y0, int w, int h, bool flip)
    {
        var data = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int sx = x0 + (flip ? w - 1 - x : x);
                int s = ((y0 + y) * image.Width + sx) * 3, t = (y * w + x) * 3;
                data[t] = image.Data[s]; data[t + 1] = image.Data[s + 1]; data[t + 2] = image.Data[s + 2];
            }
        return new RgbImage(w, h, data);
    }

    static (float[] Disparity, bool[] Valid) NearestTarget(float[] disparity, bool[] valid, int sourceWidth, int x0, int y0, int cw, int ch, int width, int height, bool flip)
    {
        var d = new float[width * height];
        var v = new bool[width * height];
        for (int y = 0; y < height; y++)
        {
            int sy = y0 + Math.Min(ch - 1, (int)((y + 0.5) * ch / height));
            for (int x = 0; x < width; x++)
            {
                int cx = Math.Min(cw - 1, (int)((x + 0.5) * cw / width));
                int s = sy * sourceWidth + x0 + (flip ? cw - 1 - cx : cx);
                d[y * width + x] = disparity[s];
                v[y * width + x] = valid[s];
            }
        }
        return (d, v);
    }

    /// <summary>Colour and sensor changes on linear-ish [0, 1] values, in place; ranges are those of common depth training recipes.</summary>
    static void Photometric(RgbImage image, Random rng)
    {
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        double exposure = U(0.6, 1.4), contrast = U(0.6, 1.4), saturation = U(0.4, 1.6), gamma = U(0.7, 1.4);
        double noise = rng.NextDouble() < 0.5 ? U(0, 0.03) : 0;
        var balance = new[] { U(0.88, 1.12), U(0.94, 1.06), U(0.88, 1.12) };
        int n = image.Width * image.Height;
        var px = new float[n * 3];
        double meanLuma = 0;
        for (int i = 0; i < n; i++)
        {
            double luma = 0;
            for (int c = 0; c < 3; c++)
            {
                var value = image.Data[i * 3 + c] / 255.0 * exposure * balance[c];
                px[i * 3 + c] = (float)value;
                luma += value / 3;
            }
            meanLuma += luma;
        }
        meanLuma /= n;
        for (int i = 0; i < n; i++)
        {
            double luma = (px[i * 3] + px[i * 3 + 1] + px[i * 3 + 2]) / 3.0;
            for (int c = 0; c < 3; c++)
            {
                double value = luma + (px[i * 3 + c] - luma) * saturation;
                value = meanLuma + (value - meanLuma) * contrast;
                value = Math.Pow(Math.Clamp(value, 0, 1), gamma);
                if (noise > 0) value += noise * Gaussian(rng);
                px[i * 3 + c] = (float)Math.Clamp(value, 0, 1);
            }
        }
        if (rng.NextDouble() < 0.2) BinomialBlur(px, image.Width, image.Height);
        for (int i = 0; i < px.Length; i++) image.Data[i] = (byte)Math.Round(px[i] * 255);
    }

    static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>A separable [1, 2, 1] / 4 blur with clamped borders: a slightly soft lens.</summary>
    static void BinomialBlur(float[] px, int w, int h)
    {
        var tmp = new float[px.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int l = Math.Max(0, x - 1), r = Math.Min(w - 1, x + 1);
                    tmp[(y * w + x) * 3 + c] = 0.25f * px[(y * w + l) * 3 + c] + 0.5f * px[(y * w + x) * 3 + c] + 0.25f * px[(y * w + r) * 3 + c];
                }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int u = Math.Max(0, y - 1), d = Math.Min(h - 1, y + 1);
                    px[(y * w + x) * 3 + c] = 0.25f * tmp[(u * w + x) * 3 + c] + 0.5f * tmp[(y * w + x) * 3 + c] + 0.25f * tmp[(d * w + x) * 3 + c];
                }
    }
}
