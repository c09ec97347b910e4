using BetterDepth.Priors;

namespace BetterDepth.Benchmarks;

/// <summary>
/// A deliberately cheap stand-in prior for timing the pipeline: a smooth function of the image (nearer
/// towards the bottom, modulated by blurred brightness), so the refiner gets a plausible, image-dependent
/// condition while the prior costs almost nothing next to the refiner. Not a depth estimator.
/// </summary>
public sealed class SmoothImagePrior : IDepthPrior
{
    public string Name => "bench-smooth";
    public DepthKind OutputKind => DepthKind.AffineDisparity;

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        var luminance = new float[w * h];
        for (int i = 0; i < luminance.Length; i++)
            luminance[i] = (0.299f * image.Data[3 * i] + 0.587f * image.Data[3 * i + 1] + 0.114f * image.Data[3 * i + 2]) / 255f;
        int radius = Math.Max(1, Math.Max(w, h) / 32);
        var blurred = BoxBlur(BoxBlur(luminance, w, h, radius, horizontal: true), w, h, radius, horizontal: false);
        var values = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            float ramp = 0.2f + 0.8f * y / Math.Max(1, h - 1);
            for (int x = 0; x < w; x++) values[y * w + x] = ramp * (0.75f + 0.25f * blurred[y * w + x]);
        }
        return new DepthMap(w, h, OutputKind, values);
    }

    /// <summary>Running-sum box filter along one axis, edges clamped.</summary>
    static float[] BoxBlur(float[] src, int w, int h, int radius, bool horizontal)
    {
        var dst = new float[src.Length];
        int lines = horizontal ? h : w, length = horizontal ? w : h;
        for (int line = 0; line < lines; line++)
        {
            int Index(int i) => horizontal ? line * w + Math.Clamp(i, 0, length - 1) : Math.Clamp(i, 0, length - 1) * w + line;
            double sum = 0;
            for (int i = -radius; i <= radius; i++) sum += src[Index(i)];
            for (int i = 0; i < length; i++)
            {
                dst[Index(i)] = (float)(sum / (2 * radius + 1));
                sum += src[Index(i + radius + 1)] - src[Index(i - radius)];
            }
        }
        return dst;
    }

    public void Dispose() { }
}
