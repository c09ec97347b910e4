namespace BetterDepth.Refinement;

/// <summary>
/// Marigold's input sizing: the long side becomes the processing resolution, aspect kept, for frames up to 4:3
/// (or 3:4). A more elongated frame keeps the pixel count of an R x 3R/4 frame instead: the refiners are trained
/// on 4:3 crops, and KITTI's 3.3:1 frame at a 256-px long side would keep 77 rows, too few for the refiner. The latent
/// autoencoder then needs both sides to be multiples of its downscale factor, which we get by padding
/// (edge replication) rather than by distorting the aspect; the padding is cropped off after decoding.
/// </summary>
public readonly record struct ProcessingSize(int Width, int Height, int PaddedWidth, int PaddedHeight)
{
    /// <param name="processingResolution">Long side in pixels of a 4:3 frame; 0 keeps the input size.</param>
    public static ProcessingSize For(int width, int height, int processingResolution, int multipleOf)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if (processingResolution < 0) throw new ArgumentOutOfRangeException(nameof(processingResolution), "processing resolution must be >= 0");
        if (multipleOf <= 0) throw new ArgumentOutOfRangeException(nameof(multipleOf));
        int w = width, h = height;
        if (processingResolution > 0)
        {
            double byLongSide = (double)processingResolution / Math.Max(width, height);
            double byPixelCount = processingResolution * Math.Sqrt(FourThreeFrameArea / ((double)width * height));
            double scale = Math.Max(byLongSide, byPixelCount);
            w = Math.Max(1, (int)Math.Round(width * scale));
            h = Math.Max(1, (int)Math.Round(height * scale));
        }
        return new ProcessingSize(w, h, RoundUp(w, multipleOf), RoundUp(h, multipleOf));
    }

    /// <summary>The area of the 4:3 frame whose long side is 1.</summary>
    const double FourThreeFrameArea = 3.0 / 4.0;

    static int RoundUp(int v, int m) => (v + m - 1) / m * m;
}
