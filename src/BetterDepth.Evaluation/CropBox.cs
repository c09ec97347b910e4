namespace BetterDepth.Evaluation;

/// <summary>A rectangle of pixels: rows <c>Top..Top+Height-1</c>, columns <c>Left..Left+Width-1</c>.</summary>
public readonly record struct CropBox(int Left, int Top, int Width, int Height)
{
    public int Right => Left + Width;
    public int Bottom => Top + Height;
    public int PixelCount => Width * Height;

    /// <summary>Python-style slice <c>[top:bottom, left:right]</c> limited to the image, as numpy/torch slicing behaves.</summary>
    public static CropBox FromSlices(int top, int bottom, int left, int right, int imageWidth, int imageHeight)
    {
        top = Math.Clamp(top, 0, imageHeight);
        bottom = Math.Clamp(bottom, top, imageHeight);
        left = Math.Clamp(left, 0, imageWidth);
        right = Math.Clamp(right, left, imageWidth);
        return new CropBox(left, top, right - left, bottom - top);
    }

    public bool FitsIn(int imageWidth, int imageHeight) =>
        Left >= 0 && Top >= 0 && Width > 0 && Height > 0 && Right <= imageWidth && Bottom <= imageHeight;

    /// <summary>Cuts the box out of a map (a real crop: the result is Width x Height).</summary>
    public DepthMap Apply(DepthMap map)
    {
        RequireInside(map.Width, map.Height);
        var values = new float[PixelCount];
        for (var y = 0; y < Height; y++)
            Array.Copy(map.Values, (Top + y) * map.Width + Left, values, y * Width, Width);
        return new DepthMap(Width, Height, map.Kind, values);
    }

    /// <summary>Cuts the box out of a row-major mask of the given size.</summary>
    public bool[] Apply(bool[] mask, int width, int height)
    {
        if (mask.Length != width * height) throw new ArgumentException($"mask has {mask.Length} entries, expected {width}x{height}", nameof(mask));
        RequireInside(width, height);
        var cropped = new bool[PixelCount];
        for (var y = 0; y < Height; y++)
            Array.Copy(mask, (Top + y) * width + Left, cropped, y * Width, Width);
        return cropped;
    }

    /// <summary>Clears every mask entry outside the box (an evaluation mask: the image keeps its size).</summary>
    public void KeepOnlyInside(bool[] mask, int width, int height)
    {
        if (mask.Length != width * height) throw new ArgumentException($"mask has {mask.Length} entries, expected {width}x{height}", nameof(mask));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (y < Top || y >= Bottom || x < Left || x >= Right) mask[y * width + x] = false;
    }

    void RequireInside(int width, int height)
    {
        if (!FitsIn(width, height)) throw new ArgumentException($"crop {this} does not fit in a {width}x{height} image");
    }
}
