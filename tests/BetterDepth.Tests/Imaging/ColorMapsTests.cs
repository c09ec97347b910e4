using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class ColorMapsTests
{
    [Fact]
    public void SpectralHitsColorBrewerEndsMiddleAndInterpolates()
    {
        Assert.Equal(((byte)158, (byte)1, (byte)66), ColorMaps.Lookup(ColorMap.Spectral, 0));
        Assert.Equal(((byte)255, (byte)255, (byte)191), ColorMaps.Lookup(ColorMap.Spectral, 0.5));
        Assert.Equal(((byte)94, (byte)79, (byte)162), ColorMaps.Lookup(ColorMap.Spectral, 1));
        // A quarter of the way between the first two classes #9e0142 and #d53e4f.
        Assert.Equal(((byte)172, (byte)16, (byte)69), ColorMaps.Lookup(ColorMap.Spectral, 0.025));
    }

    [Fact]
    public void TurboRunsFromDarkBlueThroughGreenToDarkRed()
    {
        // The polynomial fit is loosest at the ends; it stays within ~32 levels of the lookup table's
        // first and last entries, (48, 18, 59) and (122, 4, 3).
        AssertClose((48, 18, 59), ColorMaps.Lookup(ColorMap.Turbo, 0), 35);
        AssertClose((122, 4, 3), ColorMaps.Lookup(ColorMap.Turbo, 1), 35);
        var (r, g, b) = ColorMaps.Lookup(ColorMap.Turbo, 0.25);
        Assert.True(b > 200 && g > 150 && r < 80, $"cyan-blue expected at 0.25, got {r},{g},{b}");
        (r, g, b) = ColorMaps.Lookup(ColorMap.Turbo, 0.5);
        Assert.True(g > 230 && r > 120 && b < 100, $"yellow-green expected at 0.5, got {r},{g},{b}");
        (r, g, b) = ColorMaps.Lookup(ColorMap.Turbo, 0.75);
        Assert.True(r > 240 && g is > 100 and < 160 && b < 60, $"orange expected at 0.75, got {r},{g},{b}");
    }

    static void AssertClose((int R, int G, int B) expected, (byte R, byte G, byte B) actual, int tolerance)
    {
        Assert.InRange(actual.R, expected.R - tolerance, expected.R + tolerance);
        Assert.InRange(actual.G, expected.G - tolerance, expected.G + tolerance);
        Assert.InRange(actual.B, expected.B - tolerance, expected.B + tolerance);
    }

    [Theory]
    [InlineData(ColorMap.Spectral)] [InlineData(ColorMap.Turbo)] [InlineData(ColorMap.Gray)]
    public void ColorizeStaysWithinOneLevelOfTheExactColour(ColorMap colorMap)
    {
        // Colorize reads a 4096-level table; every channel must stay within one step of Lookup's exact colour.
        const int n = 10007;
        var map = new DepthMap(n, 1, DepthKind.AffineDisparity, Enumerable.Range(0, n).Select(i => (float)Math.Sin(i * 0.37)).ToArray());
        var image = ColorMaps.Colorize(map, colorMap, -1, 1);
        for (int i = 0; i < n; i++)
            AssertClose(ColorMaps.Lookup(colorMap, (map.Values[i] + 1) / 2.0), (image.Data[3 * i], image.Data[3 * i + 1], image.Data[3 * i + 2]), 1);
    }

    [Fact]
    public void ColorizeUsesValidRangeAndBlacksOutInvalid()
    {
        var map = new DepthMap(5, 1, DepthKind.Depth, [2, 0, 4, float.PositiveInfinity, 3]);
        var image = ColorMaps.Colorize(map, ColorMap.Gray, valid: [true, true, true, true, false]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0 }, image.Data);
    }

    [Fact]
    public void FixedRangeClampsAndMapsLinearly()
    {
        var map = new DepthMap(4, 1, DepthKind.AffineDisparity, [-5, 0, 5, 20]);
        var image = ColorMaps.Colorize(map, ColorMap.Gray, min: 0, max: 10);
        Assert.Equal(new byte[] { 0, 0, 128, 255 }, image.Data.Where((_, i) => i % 3 == 0).ToArray());
        Assert.Throws<ArgumentException>(() => ColorMaps.Colorize(map, ColorMap.Gray, min: 3, max: 3));
    }

    [Theory]
    [InlineData(ColorMap.Spectral)] [InlineData(ColorMap.Turbo)]
    public void ColorizeIndexedPicksTheNearestOf255LevelsAndKeepsZeroForInvalid(ColorMap colorMap)
    {
        const int n = 5003;
        var values = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        values[7] = float.NaN;
        var map = new DepthMap(n, 1, DepthKind.AffineDisparity, values);
        var image = ColorMaps.ColorizeIndexed(map, colorMap, -1, 1);
        Assert.Equal(256 * 3, image.Palette.Length);
        Assert.Equal(new byte[] { 0, 0, 0 }, image.Palette[..3]);
        for (int level = 0; level < 255; level++)
            Assert.Equal(ColorMaps.Lookup(colorMap, level / 254.0), (image.Palette[3 + 3 * level], image.Palette[4 + 3 * level], image.Palette[5 + 3 * level]));
        Assert.Equal(0, image.Indices[7]);
        for (int i = 0; i < n; i++)
            if (i != 7) Assert.Equal(1 + (int)Math.Floor((values[i] + 1) / 2.0 * 254 + 0.5), image.Indices[i]);
    }

    [Fact]
    public void WriteColorPngWritesTheColorizedImage()
    {
        var depth = DepthFile.ReadPng16(TestData.Real("nyu-crop", "depth.png"), 0.001);
        var path = Path.Combine(TestData.NewTempDir(), "c.png");
        DepthFile.WriteColorPng(path, depth, ColorMap.Turbo, 1, 3);
        var back = ImageFile.ReadRgb(path);
        Assert.Equal(ColorMaps.ColorizeIndexed(depth, ColorMap.Turbo, 1, 3).ToRgb().Data, back.Data);
        // 255 levels instead of 4096: every channel within a few units of the finer rendering
        var fine = ColorMaps.Colorize(depth, ColorMap.Turbo, 1, 3).Data;
        Assert.True(fine.Zip(back.Data).All(p => Math.Abs(p.First - p.Second) <= 8), "a channel is more than 8 units off");
        // The missing corner of the NYU crop is black.
        Assert.Equal(new byte[] { 0, 0, 0 }, back.Data.AsSpan((426 * 565 + 564) * 3, 3).ToArray());
    }
}
