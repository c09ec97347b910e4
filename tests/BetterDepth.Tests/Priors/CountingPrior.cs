using BetterDepth.Priors;

namespace BetterDepth.Tests.Priors;

/// <summary>A prior whose prediction is a known function of the pixels (mean of R, G, B) and that counts its calls.</summary>
public sealed class CountingPrior(string identity = "counting-v1") : IDepthPrior
{
    public int Calls { get; private set; }
    public string Name => "counting";
    public DepthKind OutputKind => DepthKind.AffineDisparity;
    public string CacheIdentity => identity;

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        Calls++;
        var v = new float[image.Width * image.Height];
        for (int i = 0; i < v.Length; i++) v[i] = (image.Data[3 * i] + image.Data[3 * i + 1] + image.Data[3 * i + 2]) / 3f;
        return new DepthMap(image.Width, image.Height, OutputKind, v);
    }

    public void Dispose() { }
}
