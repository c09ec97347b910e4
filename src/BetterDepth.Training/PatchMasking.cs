using BetterDepth.Geometry;

namespace BetterDepth.Training;

/// <summary>
/// BetterDepth's local patch masking (Algorithm 1): the refiner is only trained where the globally pre-aligned prior
/// already agrees with the label, so it learns to add detail rather than to redo the layout.
/// </summary>
public static class PatchMasking
{
    /// <summary>The paper's patch size w in pixels.</summary>
    public const int PaperPatchSize = 8;
    /// <summary>The paper's eta: the largest RMS per-pixel difference of a kept patch, on the [-1, 1] scale.</summary>
    public const double PaperEta = 0.1;

    /// <summary>The one rule for the two settings: a patch of at least one pixel, a positive finite eta.</summary>
    public static void Validate(int patchSize, double eta)
    {
        if (patchSize < 1) throw new ArgumentException($"patch size must be at least 1 pixel, got {patchSize}");
        if (!(eta > 0) || double.IsInfinity(eta)) throw new ArgumentException($"eta must be a positive finite number, got {eta}");
    }

    /// <summary>
    /// Splits the image into non-overlapping <paramref name="patchSize"/>² patches from the top-left corner and keeps a
    /// patch when the RMS difference between <paramref name="alignedPrior"/> and <paramref name="target"/> over its valid
    /// pixels is at most <paramref name="eta"/>. For a full patch with every pixel valid this is the paper's
    /// ||d~'_n - d_n||_2 &lt;= w*eta. Patches cut by the right or bottom border, and patches with some invalid pixels, use
    /// the RMS over the pixels they have (the same per-pixel tolerance); a patch without a valid pixel is dropped.
    /// Returns the pixel mask: kept patch AND valid (pixels without ground truth never enter the loss).
    /// </summary>
    /// <param name="eta">Tolerance on the scale of the maps (<see cref="PaperEta"/> on the [-1, 1] normalised scale).</param>
    public static bool[] PixelMask(DepthMap alignedPrior, DepthMap target, bool[] valid, int patchSize = PaperPatchSize, double eta = PaperEta)
    {
        ArgumentNullException.ThrowIfNull(alignedPrior);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(valid);
        MapChecks.SameSize(alignedPrior, target, nameof(target));
        MapChecks.SameLength(alignedPrior.PixelCount, valid.Length, nameof(valid), "valid mask");
        Validate(patchSize, eta);
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
}
