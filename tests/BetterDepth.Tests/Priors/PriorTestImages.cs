namespace BetterDepth.Tests.Priors;

/// <summary>Small deterministic inputs for the prior tests.</summary>
public static class PriorTestImages
{
    public static RgbImage Random(int width, int height, int seed)
    {
        var data = new byte[width * height * 3];
        new Random(seed).NextBytes(data);
        return new RgbImage(width, height, data);
    }

    /// <summary>One channel of an image as floats 0..255.</summary>
    public static DepthMap Channel(RgbImage image, int c)
    {
        var v = new float[image.Width * image.Height];
        for (int i = 0; i < v.Length; i++) v[i] = image.Data[i * 3 + c];
        return new DepthMap(image.Width, image.Height, DepthKind.Normalized, v);
    }
}
