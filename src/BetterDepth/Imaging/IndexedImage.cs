namespace BetterDepth.Imaging;

/// <summary>An 8-bit palette image: one palette index per pixel, row-major, and up to 256 RGB palette entries.</summary>
public sealed class IndexedImage
{
    public const int MaxColors = 256;

    public int Width { get; }
    public int Height { get; }
    public byte[] Indices { get; }
    /// <summary>R, G, B of each entry in turn.</summary>
    public byte[] Palette { get; }

    public IndexedImage(int width, int height, byte[] indices, byte[] palette)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if (indices.Length != (long)width * height) throw new ArgumentException($"{width}x{height} needs {width * height} indices, got {indices.Length}", nameof(indices));
        if (palette.Length == 0 || palette.Length % 3 != 0 || palette.Length / 3 > MaxColors)
            throw new ArgumentException($"a palette holds 1 to {MaxColors} RGB entries, got {palette.Length} bytes", nameof(palette));
        int colors = palette.Length / 3;
        int outside = colors == MaxColors ? -1 : Array.FindIndex(indices, i => i >= colors); // a full palette takes any byte
        if (outside >= 0) throw new ArgumentException($"index {indices[outside]} at pixel {outside} is outside the {colors}-colour palette", nameof(indices));
        (Width, Height, Indices, Palette) = (width, height, indices, palette);
    }

    /// <summary>The same picture as RGB.</summary>
    public RgbImage ToRgb()
    {
        var image = new RgbImage(Width, Height);
        for (int i = 0; i < Indices.Length; i++) Palette.AsSpan(Indices[i] * 3, 3).CopyTo(image.Data.AsSpan(i * 3));
        return image;
    }
}
