using BetterDepth.Imaging;

namespace BetterDepth.Evaluation;

/// <summary>Validity masks stored beside ground truth: NPY (any dtype, nonzero = valid, as DIODE's) or an image (any nonzero channel = valid).</summary>
public static class MaskFile
{
    public static (bool[] Mask, int Width, int Height) Read(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return Npy.ReadMask(path);
        var image = ImageFile.ReadRgb(path);
        var mask = new bool[image.Width * image.Height];
        for (var i = 0; i < mask.Length; i++)
            mask[i] = image.Data[3 * i] != 0 || image.Data[3 * i + 1] != 0 || image.Data[3 * i + 2] != 0;
        return (mask, image.Width, image.Height);
    }
}
