namespace BetterDepth.Evaluation;

/// <summary>
/// The crops of the standard protocols, as Marigold's dataset classes compute them (integer truncation of
/// the fractions included, so pixel counts match exactly).
/// </summary>
public static class StandardCrops
{
    /// <summary>NYUv2 Eigen evaluation region: rows 45:471, columns 41:601 (of 480x640).</summary>
    public static CropBox NyuEigen(int width, int height) => CropBox.FromSlices(45, 471, 41, 601, width, height);

    public const int KittiBenchmarkWidth = 1216, KittiBenchmarkHeight = 352;

    /// <summary>KITTI benchmark crop to 352x1216: the bottom rows, the columns centred (left margin truncated).</summary>
    public static CropBox KittiBenchmark(int width, int height)
    {
        if (width < KittiBenchmarkWidth || height < KittiBenchmarkHeight)
            throw new ArgumentException($"a KITTI frame must be at least {KittiBenchmarkWidth}x{KittiBenchmarkHeight} for the benchmark crop, got {width}x{height}");
        return new CropBox((width - KittiBenchmarkWidth) / 2, height - KittiBenchmarkHeight, KittiBenchmarkWidth, KittiBenchmarkHeight);
    }

    /// <summary>Eigen (NIPS 2014) evaluation region, the one Marigold's KITTI evaluation uses.</summary>
    public static CropBox KittiEigen(int width, int height) =>
        Fractions(0.3324324, 0.91351351, 0.0359477, 0.96405229, width, height);

    /// <summary>Garg (ECCV 2016) evaluation region, offered by Marigold's code but not used for its numbers.</summary>
    public static CropBox KittiGarg(int width, int height) =>
        Fractions(0.40810811, 0.99189189, 0.03594771, 0.96405229, width, height);

    static CropBox Fractions(double top, double bottom, double left, double right, int width, int height) =>
        CropBox.FromSlices((int)(top * height), (int)(bottom * height), (int)(left * width), (int)(right * width), width, height);
}
