using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Evaluation;

/// <summary>
/// Validity masks stored beside ground truth: NPY of any dtype (as DIODE's) or a single-channel PNG of any bit depth;
/// nonzero = valid. A colour PNG is refused: it is far more often the image column named by mistake than a mask, and
/// read as one it would mark nearly every pixel valid. Lossy formats cannot hold a mask and are refused too.
/// </summary>
internal static class MaskFile
{
    public static (bool[] Mask, int Width, int Height) Read(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return Npy.ReadMask(path);
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new InvalidFileException(path, $"unknown mask file type '{Path.GetExtension(path)}': a mask must be a .npy or a single-channel .png file");
        var png = PngReader.Read(path);
        if (png.Channels != 1) throw new InvalidFileException(path, $"expected a single-channel mask PNG, got {png.Describe()}");
        return (Array.ConvertAll(png.Samples, v => v != 0), png.Width, png.Height);
    }
}
