using BetterDepth.Geometry;

namespace BetterDepth.Evaluation;

/// <summary>
/// The Canny edge detector with the conventions of scikit-image's feature.canny, which the iBims-1 depth-boundary
/// metrics are defined with: Gaussian smoothing normalised by the smoothed mask, unscaled Sobel gradients, non-maximum
/// suppression with interpolated neighbours, and hysteresis over 8-connected segments.
/// </summary>
internal static class CannyEdges
{
    const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Edge pixels of a single-channel image. Thresholds apply to the Sobel gradient magnitude of the smoothed image
    /// (Sobel kernels [-1, 0, 1] x [1, 2, 1], not normalised, so a unit ramp per pixel has magnitude 8).
    /// Pixels outside <paramref name="mask"/> do not feed the smoothing and never become edges; neither do pixels next
    /// to them or on the image border (their gradient would see values that are not there).
    /// </summary>
    public static bool[] Detect(double[] image, int width, int height, double sigma, double lowThreshold, double highThreshold, bool[]? mask = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"size must be positive, got {width}x{height}");
        MapChecks.SameLength(width * height, image.Length, nameof(image), "image");
        if (mask is not null) MapChecks.SameLength(width * height, mask.Length, nameof(mask), "mask");
        if (!(sigma > 0) || double.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive and finite");
        if (!(lowThreshold >= 0 && lowThreshold <= highThreshold) || double.IsInfinity(highThreshold))
            throw new ArgumentException($"need 0 <= low <= high thresholds, got {lowThreshold} and {highThreshold}", nameof(lowThreshold));
        for (int i = 0; i < image.Length; i++)
            if ((mask is null || mask[i]) && !double.IsFinite(image[i]))
                throw new ArgumentException($"non-finite value {image[i]} at pixel {i}", nameof(image));

        var smoothed = SmoothInsideMask(image, width, height, sigma, mask);
        var (gx, gy) = Sobel(smoothed, width, height);
        var magnitude = new double[image.Length];
        for (int i = 0; i < magnitude.Length; i++) magnitude[i] = Math.Sqrt(gx[i] * gx[i] + gy[i] * gy[i]);
        var candidates = ErodedMask(mask, width, height);
        var maxima = NonMaximumSuppression(gx, gy, magnitude, candidates, width, height);
        return Hysteresis(maxima, magnitude, lowThreshold, highThreshold, width, height);
    }

    /// <summary>Gaussian of the masked image divided by the Gaussian of the mask, zero padding outside (skimage, mode 'constant').</summary>
    static double[] SmoothInsideMask(double[] image, int width, int height, double sigma, bool[]? mask)
    {
        var kernel = GaussianKernel(sigma);
        var masked = new double[image.Length];
        var weight = new double[image.Length];
        for (int i = 0; i < image.Length; i++)
        {
            bool inside = mask is null || mask[i];
            masked[i] = inside ? image[i] : 0;
            weight[i] = inside ? 1 : 0;
        }
        var smoothed = Separable(masked, width, height, kernel);
        var bleed = Separable(weight, width, height, kernel);
        // skimage adds machine epsilon so pixels far from any valid one divide 0 by a non-zero number
        for (int i = 0; i < smoothed.Length; i++) smoothed[i] /= bleed[i] + MachineEpsilon;
        return smoothed;
    }

    /// <summary>exp(-x^2 / 2 sigma^2) over |x| &lt;= round-down(4 sigma + 0.5), normalised (scipy's gaussian_filter, truncate = 4).</summary>
    static double[] GaussianKernel(double sigma)
    {
        int radius = (int)(4.0 * sigma + 0.5);
        var kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int x = -radius; x <= radius; x++) sum += kernel[x + radius] = Math.Exp(-0.5 * x * x / (sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        return kernel;
    }

    static double[] Separable(double[] values, int width, int height, double[] kernel)
        => Convolve1D(Convolve1D(values, width, height, kernel, horizontal: true), width, height, kernel, horizontal: false);

    /// <summary>Correlation with a symmetric kernel along rows or columns; samples outside the image count as 0.</summary>
    static double[] Convolve1D(double[] values, int width, int height, double[] kernel, bool horizontal)
    {
        int radius = kernel.Length / 2, step = horizontal ? 1 : width, length = horizontal ? width : height;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int position = horizontal ? i % width : i / width;
            double sum = 0;
            for (int k = Math.Max(-radius, -position); k <= Math.Min(radius, length - 1 - position); k++)
                sum += kernel[k + radius] * values[i + k * step];
            result[i] = sum;
        }
        return result;
    }

    /// <summary>Sobel derivatives along x (columns) and y (rows); the border repeats the edge pixel (scipy's 'reflect').</summary>
    static (double[] gx, double[] gy) Sobel(double[] s, int width, int height)
    {
        var gx = new double[s.Length];
        var gy = new double[s.Length];
        for (int y = 0; y < height; y++)
        {
            int up = Math.Max(y - 1, 0), down = Math.Min(y + 1, height - 1);
            for (int x = 0; x < width; x++)
            {
                int left = Math.Max(x - 1, 0), right = Math.Min(x + 1, width - 1);
                double At(int xx, int yy) => s[yy * width + xx];
                gx[y * width + x] = At(right, up) + 2 * At(right, y) + At(right, down) - At(left, up) - 2 * At(left, y) - At(left, down);
                gy[y * width + x] = At(left, down) + 2 * At(x, down) + At(right, down) - At(left, up) - 2 * At(x, up) - At(right, up);
            }
        }
        return (gx, gy);
    }

    /// <summary>Pixels whose whole 3x3 neighbourhood is inside the image and the mask.</summary>
    static bool[] ErodedMask(bool[]? mask, int width, int height)
    {
        var eroded = new bool[width * height];
        for (int y = 1; y < height - 1; y++)
        for (int x = 1; x < width - 1; x++)
        {
            bool all = true;
            for (int dy = -1; dy <= 1 && all; dy++)
                for (int dx = -1; dx <= 1 && all; dx++)
                    all = mask is null || mask[(y + dy) * width + x + dx];
            eroded[y * width + x] = all;
        }
        return eroded;
    }

    /// <summary>
    /// Keeps a pixel when its magnitude is at least the magnitude interpolated one step along the gradient on both sides:
    /// the step goes to the neighbour along the dominant gradient axis, mixed with the diagonal neighbour by the ratio of
    /// the minor to the major gradient component.
    /// </summary>
    static bool[] NonMaximumSuppression(double[] gx, double[] gy, double[] magnitude, bool[] candidates, int width, int height)
    {
        var maxima = new bool[magnitude.Length];
        for (int y = 1; y < height - 1; y++)
        for (int x = 1; x < width - 1; x++)
        {
            int i = y * width + x;
            if (!candidates[i] || !(magnitude[i] > 0)) continue;
            double ax = Math.Abs(gx[i]), ay = Math.Abs(gy[i]);
            int sx = gx[i] >= 0 ? 1 : -1, sy = gy[i] >= 0 ? 1 : -1;
            int axisStep, diagonalStep;
            double w;
            if (ay >= ax) { axisStep = sy * width; diagonalStep = sy * width + sx; w = ax / ay; }
            else { axisStep = sx; diagonalStep = sy * width + sx; w = ay / ax; }
            double ahead = w * magnitude[i + diagonalStep] + (1 - w) * magnitude[i + axisStep];
            double behind = w * magnitude[i - diagonalStep] + (1 - w) * magnitude[i - axisStep];
            maxima[i] = ahead <= magnitude[i] && behind <= magnitude[i];
        }
        return maxima;
    }

    /// <summary>Keeps the 8-connected segments of maxima above the low threshold that reach the high threshold somewhere.</summary>
    static bool[] Hysteresis(bool[] maxima, double[] magnitude, double low, double high, int width, int height)
    {
        var edges = new bool[maxima.Length];
        var stack = new Stack<int>();
        for (int i = 0; i < maxima.Length; i++)
        {
            if (!maxima[i] || edges[i] || !(magnitude[i] >= high)) continue;
            edges[i] = true;
            stack.Push(i);
            while (stack.Count > 0)
            {
                int j = stack.Pop(), x = j % width, y = j / width;
                for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int xx = x + dx, yy = y + dy;
                    if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
                    int k = yy * width + xx;
                    if (edges[k] || !maxima[k] || !(magnitude[k] >= low)) continue;
                    edges[k] = true;
                    stack.Push(k);
                }
            }
        }
        return edges;
    }
}
