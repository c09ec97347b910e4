namespace BetterDepth.Priors;

/// <summary>
/// The keep-aspect input size rule of MiDaS / DPT / Depth Anything: scale the image towards a base size,
/// then snap each side to a multiple of the network stride without breaking the bound.
/// </summary>
internal static class NetworkInputSize
{
    public static (int Width, int Height) For(int width, int height, int baseSize, int multipleOf, SizeBound bound)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if (baseSize <= 0 || multipleOf <= 0) throw new ArgumentOutOfRangeException(nameof(baseSize), $"base size and multiple must be positive, got {baseSize}, {multipleOf}");
        double scaleW = (double)baseSize / width, scaleH = (double)baseSize / height;
        double scale = bound switch
        {
            SizeBound.LowerBound => Math.Max(scaleW, scaleH),
            SizeBound.UpperBound => Math.Min(scaleW, scaleH),
            _ => Math.Abs(1 - scaleW) < Math.Abs(1 - scaleH) ? scaleW : scaleH,
        };
        int? min = bound == SizeBound.LowerBound ? baseSize : null;
        int? max = bound == SizeBound.UpperBound ? baseSize : null;
        return (Snap(scale * width, multipleOf, min, max), Snap(scale * height, multipleOf, min, max));
    }

    /// <summary>Nearest multiple (ties to even, as numpy rounds), then floor/ceil where that breaks a bound; never below one stride.</summary>
    static int Snap(double x, int multipleOf, int? min, int? max)
    {
        double q = x / multipleOf;
        int y = (int)Math.Round(q, MidpointRounding.ToEven) * multipleOf;
        if (max is { } hi && y > hi) y = (int)Math.Floor(q) * multipleOf;
        if (min is { } lo && y < lo) y = (int)Math.Ceiling(q) * multipleOf;
        return Math.Max(y, multipleOf);
    }
}
