using BetterDepth.Imaging;

namespace BetterDepth.Priors;

/// <summary>Turns an 8-bit RGB image into the planar, normalised float tensor [1, 3, H, W] a depth network expects.</summary>
internal static class NetworkInput
{
    /// <summary>
    /// Resizes each channel in float (no 8-bit rounding in between, like the reference code that resizes
    /// float images), then applies (v / 255 - mean) / std per channel.
    /// </summary>
    public static float[] ToTensor(RgbImage image, int width, int height, ResizeFilter filter, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length != 3 || std.Length != 3) throw new ArgumentException("mean and std need 3 values (R, G, B)");
        int plane = width * height;
        var tensor = new float[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            var channel = Channel(image, c);
            if (channel.Width != width || channel.Height != height)
                channel = Resampling.Resize(channel, width, height, filter, antialias: true);
            float m = mean[c], s = std[c];
            var src = channel.Values;
            for (int i = 0; i < plane; i++) tensor[c * plane + i] = (src[i] / 255f - m) / s;
        }
        return tensor;
    }

    /// <summary>One colour channel as a float map in 0..255 (the kind is irrelevant here; only the resampler needs a map).</summary>
    static DepthMap Channel(RgbImage image, int c)
    {
        var values = new float[image.Width * image.Height];
        for (int i = 0; i < values.Length; i++) values[i] = image.Data[i * 3 + c];
        return new DepthMap(image.Width, image.Height, DepthKind.Normalized, values);
    }
}
