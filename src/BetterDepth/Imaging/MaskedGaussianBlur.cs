namespace BetterDepth.Imaging;

/// <summary>
/// Separable Gaussian blur of a map with per-pixel weights (normalised convolution): pixels with weight 0 do not
/// contribute, and the result is divided by the blurred weights, so holes and borders do not darken the map.
/// </summary>
internal static class MaskedGaussianBlur
{
    /// <returns>The blurred values (0 where no weight reached) and the blurred weights.</returns>
    public static (float[] Values, float[] Weights) Apply(float[] values, float[] weights, int width, int height, double sigma)
    {
        if (sigma <= 0) throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be positive, got {sigma}");
        var kernel = Kernel(sigma, Math.Max(width, height));
        var weighted = new float[values.Length];
        for (int i = 0; i < values.Length; i++) weighted[i] = values[i] * weights[i];
        var num = Pass(Pass(weighted, width, height, kernel, horizontal: true), width, height, kernel, horizontal: false);
        var den = Pass(Pass(weights, width, height, kernel, horizontal: true), width, height, kernel, horizontal: false);
        var result = new float[values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = den[i] > 1e-6f ? num[i] / den[i] : 0f;
        return (result, den);
    }

    static float[] Kernel(double sigma, int maxRadius)
    {
        int radius = Math.Min((int)Math.Ceiling(3 * sigma), maxRadius);
        var k = new float[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) k[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        return k; // unnormalised on purpose: the division by the blurred weights normalises
    }

    /// <summary>One 1-D pass, truncated at the borders; the vertical pass runs row by row so memory is read in order.</summary>
    static float[] Pass(float[] src, int width, int height, float[] kernel, bool horizontal)
    {
        int radius = kernel.Length / 2;
        var dst = new float[src.Length];
        Parallel.For(0, height, y =>
        {
            var row = dst.AsSpan(y * width, width);
            if (horizontal)
            {
                var srcRow = src.AsSpan(y * width, width);
                for (int x = 0; x < width; x++)
                {
                    float sum = 0;
                    int lo = Math.Max(-radius, -x), hi = Math.Min(radius, width - 1 - x);
                    for (int d = lo; d <= hi; d++) sum += kernel[d + radius] * srcRow[x + d];
                    row[x] = sum;
                }
            }
            else
            {
                int lo = Math.Max(-radius, -y), hi = Math.Min(radius, height - 1 - y);
                for (int d = lo; d <= hi; d++)
                {
                    float k = kernel[d + radius];
                    var srcRow = src.AsSpan((y + d) * width, width);
                    for (int x = 0; x < width; x++) row[x] += k * srcRow[x];
                }
            }
        });
        return dst;
    }
}
