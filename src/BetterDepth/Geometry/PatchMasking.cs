using BetterDepth.Imaging;

namespace BetterDepth.Geometry;

/// <summary>
/// BetterDepth's local patch masking (Algorithm 1): the refiner is only trained where the globally pre-aligned prior
/// already agrees with the label, so it learns to add detail rather than to redo the layout.
/// </summary>
public static class PatchMasking
{
    /// <summary>
    /// Splits the image into non-overlapping <paramref name="patchSize"/>² patches from the top-left corner and keeps a
    /// patch when the RMS difference between <paramref name="alignedPrior"/> and <paramref name="target"/> over its valid
    /// pixels is at most <paramref name="eta"/>. For a full patch with every pixel valid this is the paper's
    /// ||d~'_n - d_n||_2 &lt;= w*eta. Patches cut by the right or bottom border, and patches with some invalid pixels, use
    /// the RMS over the pixels they have (the same per-pixel tolerance); a patch without a valid pixel is dropped.
    /// Returns the pixel mask: kept patch AND valid (pixels without ground truth never enter the loss).
    /// </summary>
    /// <param name="eta">Tolerance on the scale of the maps (paper: 0.1 on the [-1, 1] normalised scale).</param>
    public static bool[] PixelMask(DepthMap alignedPrior, DepthMap target, bool[] valid, int patchSize = 8, double eta = 0.1)
    {
        ArgumentNullException.ThrowIfNull(alignedPrior);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(valid);
        MapChecks.SameSize(alignedPrior, target, nameof(target));
        MapChecks.SameLength(alignedPrior.PixelCount, valid.Length, nameof(valid), "valid mask");
        if (patchSize < 1) throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "patch size must be at least 1 pixel");
        if (!(eta >= 0) || double.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "tolerance must be finite and >= 0");
        MapChecks.FiniteWhereValid(alignedPrior.Values, valid, nameof(alignedPrior));
        MapChecks.FiniteWhereValid(target.Values, valid, nameof(target));

        int width = alignedPrior.Width, height = alignedPrior.Height;
        var mask = new bool[valid.Length];
        for (int top = 0; top < height; top += patchSize)
        for (int left = 0; left < width; left += patchSize)
        {
            int bottom = Math.Min(top + patchSize, height), right = Math.Min(left + patchSize, width);
            double sumSquares = 0;
            int count = 0;
            for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
            {
                int i = y * width + x;
                if (!valid[i]) continue;
                double d = alignedPrior.Values[i] - target.Values[i];
                sumSquares += d * d;
                count++;
            }
            // compare squared RMS with eta^2: no square root, and an exact boundary for hand-made tests
            if (count == 0 || sumSquares > eta * eta * count) continue;
            for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
                mask[y * width + x] = valid[y * width + x];
        }
        return mask;
    }

    /// <summary>
    /// Max-pools a pixel mask to the latent grid: a latent cell is kept when any pixel it covers is. Cell (i, j) covers
    /// rows floor(j*H/h) .. ceil((j+1)*H/h)-1 and the same for columns (adaptive max pooling), which is an exact
    /// 8x8 max pool when the image is 8 times the latent size, as with Stable Diffusion's VAE.
    /// </summary>
    public static bool[] ToLatent(bool[] pixelMask, int width, int height, int latentWidth, int latentHeight)
    {
        ArgumentNullException.ThrowIfNull(pixelMask);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"mask size must be positive, got {width}x{height}");
        MapChecks.SameLength(width * height, pixelMask.Length, nameof(pixelMask), "pixel mask");
        if (latentWidth < 1 || latentHeight < 1 || latentWidth > width || latentHeight > height)
            throw new ArgumentOutOfRangeException(nameof(latentWidth), $"latent size {latentWidth}x{latentHeight} must be positive and at most the mask size {width}x{height}");

        var latent = new bool[latentWidth * latentHeight];
        for (int j = 0; j < latentHeight; j++)
        {
            int y0 = (int)((long)j * height / latentHeight), y1 = (int)(((long)(j + 1) * height + latentHeight - 1) / latentHeight);
            for (int i = 0; i < latentWidth; i++)
            {
                int x0 = (int)((long)i * width / latentWidth), x1 = (int)(((long)(i + 1) * width + latentWidth - 1) / latentWidth);
                latent[j * latentWidth + i] = AnySet(pixelMask, width, x0, x1, y0, y1);
            }
        }
        return latent;
    }

    static bool AnySet(bool[] mask, int width, int x0, int x1, int y0, int y1)
    {
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (mask[y * width + x]) return true;
        return false;
    }
}
