using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Evaluation;

/// <summary>
/// Validity masks stored beside ground truth: NPY (any dtype, nonzero = valid, as DIODE's) or PNG of any bit depth
/// (a nonzero colour sample = valid; alpha is ignored). Lossy formats cannot hold a mask and are rejected.
/// </summary>
public static class MaskFile
{
    public static (bool[] Mask, int Width, int Height) Read(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return Npy.ReadMask(path);
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new InvalidFileException(path, "a mask must be a .npy or .png file");
        var png = PngReader.Read(path);
        var colours = png.Channels >= 3 ? 3 : 1;
        var mask = new bool[png.Width * png.Height];
        for (var i = 0; i < mask.Length; i++)
            for (var c = 0; c < colours && !mask[i]; c++)
                mask[i] = png.Samples[i * png.Channels + c] != 0;
        return (mask, png.Width, png.Height);
    }
}
