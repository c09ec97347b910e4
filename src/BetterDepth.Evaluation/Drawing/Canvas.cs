namespace BetterDepth.Evaluation.Drawing;

/// <summary>Just enough raster drawing for figures: fills, lines, pasted images and bitmap-font text on an <see cref="RgbImage"/>.</summary>
public sealed class Canvas(int width, int height, (byte R, byte G, byte B) background)
{
    public RgbImage Image { get; } = Filled(width, height, background);

    static RgbImage Filled(int w, int h, (byte R, byte G, byte B) c)
    {
        var img = new RgbImage(w, h);
        for (int i = 0; i < w * h; i++) { img.Data[3 * i] = c.R; img.Data[3 * i + 1] = c.G; img.Data[3 * i + 2] = c.B; }
        return img;
    }

    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)Image.Width || (uint)y >= (uint)Image.Height) return;
        int i = 3 * (y * Image.Width + x);
        Image.Data[i] = c.R; Image.Data[i + 1] = c.G; Image.Data[i + 2] = c.B;
    }

    public void FillRect(int x, int y, int w, int h, (byte R, byte G, byte B) c)
    {
        for (int yy = y; yy < y + h; yy++)
            for (int xx = x; xx < x + w; xx++) Set(xx, yy, c);
    }

    /// <summary>Bresenham line.</summary>
    public void Line(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) c)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            Set(x0, y0, c);
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    public void Paste(RgbImage source, int x, int y)
    {
        for (int yy = 0; yy < source.Height; yy++)
            for (int xx = 0; xx < source.Width; xx++)
            {
                int s = 3 * (yy * source.Width + xx);
                Set(x + xx, y + yy, (source.Data[s], source.Data[s + 1], source.Data[s + 2]));
            }
    }

    public void Text(string text, int x, int y, (byte R, byte G, byte B) c, int scale = 1)
    {
        for (int k = 0; k < text.Length; k++)
            for (int gy = 0; gy < BitmapFont.GlyphHeight; gy++)
                for (int gx = 0; gx < BitmapFont.GlyphWidth; gx++)
                    if (BitmapFont.IsInked(text[k], gx, gy))
                        FillRect(x + (k * BitmapFont.Advance + gx) * scale, y + gy * scale, scale, scale, c);
    }
}
