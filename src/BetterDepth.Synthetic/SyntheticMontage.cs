using BetterDepth.Imaging;

namespace BetterDepth.Synthetic;

/// <summary>A contact sheet of scenes: each tile is the RGB image beside its colour-mapped depth (log depth, Spectral: near red, far blue, invalid black).</summary>
public static class SyntheticMontage
{
    const int Gap = 4;

    public static RgbImage Compose(IReadOnlyList<(RgbImage Image, DepthMap Depth, bool[] Valid)> scenes, int columns = 2)
    {
        if (scenes.Count == 0) throw new ArgumentException("montage needs at least one scene", nameof(scenes));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), $"columns must be positive, got {columns}");
        int w = scenes[0].Image.Width, h = scenes[0].Image.Height;
        if (scenes.Any(s => s.Image.Width != w || s.Image.Height != h || !s.Depth.SameSizeAs(scenes[0].Depth) || s.Depth.Width != w || s.Depth.Height != h))
            throw new ArgumentException("montage scenes must all have the same size", nameof(scenes));
        columns = Math.Min(columns, scenes.Count);
        int rows = (scenes.Count + columns - 1) / columns;
        int tileW = 2 * w + Gap, tileH = h;
        var sheet = new RgbImage(columns * tileW + (columns - 1) * Gap * 2, rows * tileH + (rows - 1) * Gap);
        Array.Fill(sheet.Data, (byte)255);
        for (int n = 0; n < scenes.Count; n++)
        {
            var (image, depth, valid) = scenes[n];
            var logDepth = new DepthMap(w, h, DepthKind.AffineDepth, depth.Values.Select(v => v > 0 ? MathF.Log(v) : 0f).ToArray());
            var colored = ColorMaps.Colorize(logDepth, ColorMap.Spectral, valid: valid);
            int x0 = n % columns * (tileW + 2 * Gap), y0 = n / columns * (tileH + Gap);
            Blit(sheet, image, x0, y0);
            Blit(sheet, colored, x0 + w + Gap, y0);
        }
        return sheet;
    }

    static void Blit(RgbImage target, RgbImage source, int x0, int y0)
    {
        for (int y = 0; y < source.Height; y++)
            Array.Copy(source.Data, y * source.Width * 3, target.Data, ((y0 + y) * target.Width + x0) * 3, source.Width * 3);
    }
}
