using BetterDepth.Imaging.Png;

namespace BetterDepth.Imaging;

/// <summary>Validity masks stored beside ground truth: .npy (any dtype) or single-channel PNG; nonzero = valid.</summary>
public static class MaskFile
{
    public static (bool[] Mask, int Width, int Height) Read(string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                return Npy.ReadMask(path);
            case ".png":
                var png = PngReader.Read(path);
                if (png.Channels != 1) throw new InvalidFileException(path, $"expected a single-channel mask PNG, got {png.Describe()}");
                return (Array.ConvertAll(png.Samples, v => v != 0), png.Width, png.Height);
            case var ext:
                throw new InvalidFileException(path, $"unknown mask file type '{ext}'; expected .npy or .png");
        }
    }
}
