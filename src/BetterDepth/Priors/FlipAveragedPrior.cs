using BetterDepth.Geometry;

namespace BetterDepth.Priors;

/// <summary>
/// Test-time flip averaging for any prior (<c>--prior flip:SPEC</c>): the prior runs on the image and on its mirror
/// image, the second map is mirrored back, fitted to the first by least squares (each map is only defined up to a
/// scale and shift, and a network need not pick the same pair for an image and its mirror) and the two are averaged.
/// Twice the prior's time; the errors that are not left-right symmetric partly cancel.
/// </summary>
public sealed class FlipAveragedPrior : IDepthPrior
{
    /// <summary>The spec prefix, as in <c>flip:learned</c>.</summary>
    public const string SpecName = "flip";

    public FlipAveragedPrior(IDepthPrior inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        // A prior that looks its answer up by file name would return the unmirrored map for the mirror image.
        if (inner.UsesImageKey)
            throw new ArgumentException($"{SpecName}: the {inner.Name} prior answers by file name, not from the pixels, so its mirror image has no prediction of its own");
        Inner = inner;
    }

    public IDepthPrior Inner { get; }
    public string Name => $"{SpecName}:{Inner.Name}";
    public DepthKind OutputKind => Inner.OutputKind;
    public string CacheIdentity => $"{SpecName}:{Inner.CacheIdentity}";

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var direct = Inner.Predict(image, ct);
        var mirrored = Mirror(Inner.Predict(Mirror(image), ct));
        var everyPixel = new bool[direct.PixelCount];
        Array.Fill(everyPixel, true);
        var fit = LeastSquares.Fit(mirrored.Values, direct.Values, everyPixel);
        var averaged = new float[direct.PixelCount];
        for (int i = 0; i < averaged.Length; i++)
            averaged[i] = (float)(0.5 * (direct.Values[i] + fit.Apply(mirrored.Values[i])));
        return new DepthMap(direct.Width, direct.Height, direct.Kind, averaged);
    }

    /// <summary>The image mirrored left to right.</summary>
    public static RgbImage Mirror(RgbImage image)
    {
        var mirrored = new RgbImage(image.Width, image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * image.Width;
            for (int x = 0; x < image.Width; x++)
                Array.Copy(image.Data, 3 * (row + image.Width - 1 - x), mirrored.Data, 3 * (row + x), 3);
        }
        return mirrored;
    }

    /// <summary>The map mirrored left to right.</summary>
    public static DepthMap Mirror(DepthMap map)
    {
        var values = new float[map.PixelCount];
        for (int y = 0; y < map.Height; y++)
        {
            int row = y * map.Width;
            for (int x = 0; x < map.Width; x++) values[row + x] = map.Values[row + map.Width - 1 - x];
        }
        return new DepthMap(map.Width, map.Height, map.Kind, values);
    }

    public void Dispose() => Inner.Dispose();
}
