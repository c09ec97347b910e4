namespace BetterDepth.Imaging;

public enum ResizeFilter { Nearest, Bilinear, Bicubic, Area }

/// <summary>
/// Separable resizing of images, depth maps and masks. Pixel centres sit at (i + 0.5) in both grids
/// (align_corners = false). With antialias, a downscale widens the kernel by the scale factor so every
/// input pixel contributes (PIL's resize and torch's antialias=True); taps falling outside the image are
/// dropped and the remaining weights renormalised. Bicubic uses Keys' kernel with a = -0.5 (PIL's choice);
/// Area weights input pixels by their exact overlap with the output pixel (OpenCV's INTER_AREA).
/// </summary>
public static class Resampling
{
    public static RgbImage Resize(RgbImage image, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(width, height);
        if (width == image.Width && height == image.Height) return new RgbImage(width, height, (byte[])image.Data.Clone());
        var plane = Array.ConvertAll(image.Data, b => (float)b);
        var resized = ResizePlane(plane, image.Width, image.Height, 3, width, height, filter, antialias);
        var bytes = new byte[resized.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(resized[i]), 0f, 255f);
        return new RgbImage(width, height, bytes);
    }

    public static DepthMap Resize(DepthMap map, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(map);
        CheckSize(width, height);
        if (width == map.Width && height == map.Height) return map.Clone();
        return new DepthMap(width, height, map.Kind, ResizePlane(map.Values, map.Width, map.Height, 1, width, height, filter, antialias));
    }

    /// <summary>Nearest-neighbour resize of a validity mask (interpolating validity would invent pixels).</summary>
    public static bool[] ResizeMask(bool[] mask, int width, int height, int newWidth, int newHeight)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Length != (long)width * height) throw new ArgumentException($"mask holds {mask.Length} values, expected {width}x{height}", nameof(mask));
        CheckSize(newWidth, newHeight);
        var xs = NearestIndices(width, newWidth);
        var ys = NearestIndices(height, newHeight);
        var result = new bool[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++)
            for (int x = 0; x < newWidth; x++)
                result[y * newWidth + x] = mask[ys[y] * width + xs[x]];
        return result;
    }

    static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"target size must be positive, got {width}x{height}");
    }

    /// <summary>The input pixel whose area contains the output pixel's centre.</summary>
    static int[] NearestIndices(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        var idx = new int[outSize];
        for (int i = 0; i < outSize; i++) idx[i] = Math.Min(inSize - 1, (int)Math.Floor((i + 0.5) * scale));
        return idx;
    }

    /// <summary>Contributions of input pixels [Start, Start + Weights.Length) to one output pixel; weights sum to 1.</summary>
    readonly record struct Taps(int Start, float[] Weights);

    static float[] ResizePlane(float[] src, int w, int h, int channels, int newW, int newH, ResizeFilter filter, bool antialias)
    {
        var horizontal = w == newW ? src : Apply(src, w, h, channels, ComputeTaps(w, newW, filter, antialias), alongRows: true);
        return h == newH ? horizontal : Apply(horizontal, newW, h, channels, ComputeTaps(h, newH, filter, antialias), alongRows: false);
    }

    static Taps[] ComputeTaps(int inSize, int outSize, ResizeFilter filter, bool antialias)
    {
        double scale = (double)inSize / outSize;
        var taps = new Taps[outSize];
        if (filter == ResizeFilter.Nearest)
        {
            var idx = NearestIndices(inSize, outSize);
            for (int i = 0; i < outSize; i++) taps[i] = new Taps(idx[i], [1f]);
            return taps;
        }
        if (filter == ResizeFilter.Area)
        {
            for (int i = 0; i < outSize; i++)
            {
                double lo = i * scale, hi = (i + 1) * scale;
                int start = (int)Math.Floor(lo), end = Math.Min(inSize, (int)Math.Ceiling(hi));
                var weights = new double[end - start];
                for (int j = start; j < end; j++) weights[j - start] = Math.Min(hi, j + 1) - Math.Max(lo, j);
                taps[i] = Normalised(start, weights);
            }
            return taps;
        }

        double support = filter == ResizeFilter.Bicubic ? 2.0 : 1.0;
        double widen = antialias && scale > 1 ? scale : 1.0;
        double radius = support * widen;
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int start = Math.Max(0, (int)Math.Floor(centre - radius + 0.5));
            int end = Math.Min(inSize, (int)Math.Floor(centre + radius + 0.5) + 1);
            var weights = new double[Math.Max(0, end - start)];
            for (int j = start; j < end; j++)
            {
                double t = (j + 0.5 - centre) / widen;
                weights[j - start] = filter == ResizeFilter.Bicubic ? Cubic(t) : Math.Max(0, 1 - Math.Abs(t));
            }
            taps[i] = Normalised(start, weights);
        }
        return taps;
    }

    /// <summary>Keys' cubic convolution kernel with a = -0.5.</summary>
    static double Cubic(double t)
    {
        const double a = -0.5;
        t = Math.Abs(t);
        if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
        if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        return 0;
    }

    static Taps Normalised(int start, double[] weights)
    {
        // Trim zero weights at both ends so the inner loops do no useless work.
        int first = 0, last = weights.Length - 1;
        while (first < last && weights[first] == 0) first++;
        while (last > first && weights[last] == 0) last--;
        double sum = 0;
        for (int k = first; k <= last; k++) sum += weights[k];
        var result = new float[last - first + 1];
        for (int k = 0; k < result.Length; k++) result[k] = (float)(sum != 0 ? weights[first + k] / sum : (k == 0 ? 1 : 0));
        return new Taps(start + first, result);
    }

    static float[] Apply(float[] src, int w, int h, int channels, Taps[] taps, bool alongRows)
    {
        int newW = alongRows ? taps.Length : w, newH = alongRows ? h : taps.Length;
        var dst = new float[newW * newH * channels];
        for (int y = 0; y < newH; y++)
        {
            for (int x = 0; x < newW; x++)
            {
                var (start, weights) = alongRows ? taps[x] : taps[y];
                for (int c = 0; c < channels; c++)
                {
                    double acc = 0;
                    for (int k = 0; k < weights.Length; k++)
                    {
                        int sx = alongRows ? start + k : x, sy = alongRows ? y : start + k;
                        acc += weights[k] * src[(sy * w + sx) * channels + c];
                    }
                    dst[(y * newW + x) * channels + c] = (float)acc;
                }
            }
        }
        return dst;
    }
}
