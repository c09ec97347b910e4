namespace BetterDepth;

/// <summary>8-bit RGB image, row-major, interleaved (<c>Data[(y * Width + x) * 3 + c]</c>).</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Data { get; }

    public RgbImage(int width, int height, byte[]? data = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        data ??= new byte[checked(width * height * 3)];
        if (data.Length != width * height * 3)
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {data.Length}", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    public override string ToString() => $"RgbImage {Width}x{Height}";
}
