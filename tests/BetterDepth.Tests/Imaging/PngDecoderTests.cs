using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Tests.Imaging;

public class PngDecoderTests
{
    const int W = 13, H = 7; // odd sizes exercise sub-byte packing and every Adam7 pass

    static int[] Pattern(int x, int y, int channels, int max) =>
        Enumerable.Range(0, channels).Select(c => (x * 7 + y * 13 + c * 5 + x * y) % (max + 1)).ToArray();

    [Theory]
    [InlineData(0, 1)] [InlineData(0, 2)] [InlineData(0, 4)] [InlineData(0, 8)] [InlineData(0, 16)]
    [InlineData(2, 8)] [InlineData(2, 16)] [InlineData(4, 8)] [InlineData(4, 16)] [InlineData(6, 8)] [InlineData(6, 16)]
    public void DecodesEveryColourTypeAndDepthPlainAndInterlaced(int colorType, int bitDepth)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        int max = (1 << bitDepth) - 1;
        // 16-bit patterns use the full range so high and low bytes both matter.
        Func<int, int, int[]> at = bitDepth == 16
            ? (x, y) => Pattern(x, y, channels, 255).Select(v => v * 257 ^ (x + y)).ToArray()
            : (x, y) => Pattern(x, y, channels, max);
        foreach (var interlaced in new[] { false, true })
        {
            var png = PngReader.Decode(TestFiles.Png(W, H, bitDepth, colorType, at, interlaced: interlaced), "t.png");
            Assert.Equal((W, H, channels, bitDepth), (png.Width, png.Height, png.Channels, png.BitDepth));
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    Assert.Equal(at(x, y).Select(v => (ushort)v), png.Samples.Skip((y * W + x) * channels).Take(channels));
        }
    }

    /// <summary>
    /// Every filter type on every layout, at widths around the decoder's special cases (one pixel, rows too short for
    /// its pixel-wise Paeth, SIMD lengths), rows cycling through the filters. Samples come from a small range, where
    /// Paeth's ties are common, and from the full range, where residuals wrap.
    /// </summary>
    [Theory]
    [InlineData(0, 1)] [InlineData(0, 4)] [InlineData(0, 8)] [InlineData(0, 16)] [InlineData(2, 8)] [InlineData(2, 16)]
    [InlineData(3, 2)] [InlineData(3, 8)] [InlineData(4, 8)] [InlineData(4, 16)] [InlineData(6, 8)] [InlineData(6, 16)]
    public void UndoesEveryRowFilter(int colorType, int bitDepth)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int max = (1 << bitDepth) - 1;
        var palette = colorType == 3 ? Enumerable.Range(0, (max + 1) * 3).Select(i => (byte)(i * 53 % 256)).ToArray() : null;
        foreach (int width in new[] { 1, 2, 3, 5, 13, 40 })
            foreach (int range in new[] { 3, max })
                foreach (var interlaced in new[] { false, true })
                {
                    var random = new Random(width * 31 + range);
                    var samples = new int[9, width, channels];
                    foreach (var y in Enumerable.Range(0, 9))
                        foreach (var x in Enumerable.Range(0, width))
                            foreach (var c in Enumerable.Range(0, channels)) samples[y, x, c] = random.Next(Math.Min(range, max) + 1);
                    int[] At(int x, int y) => Enumerable.Range(0, channels).Select(c => samples[y, x, c]).ToArray();
                    var file = TestFiles.Png(width, 9, bitDepth, colorType, At, palette, interlaced, filterOfRow: r => (byte)(r % 5));
                    var png = PngReader.Decode(file, "f.png");
                    for (int y = 0; y < 9; y++)
                        for (int x = 0; x < width; x++)
                        {
                            var expected = palette is null ? At(x, y).Select(v => (ushort)v)
                                : palette.Skip(samples[y, x, 0] * 3).Take(3).Select(v => (ushort)v);
                            int outChannels = palette is null ? channels : 3;
                            Assert.Equal(expected, png.Samples.Skip((y * width + x) * outChannels).Take(outChannels));
                        }
                }
    }

    [Fact]
    public void UnknownFilterTypeIsRejected()
    {
        var file = TestFiles.Png(4, 3, 8, 2, (x, y) => [x, y, 1], filterOfRow: r => r == 2 ? (byte)5 : (byte)0);
        var e = Assert.Throws<InvalidFileException>(() => PngReader.Decode(file, "bad.png"));
        Assert.Contains("bad.png", e.Message);
        Assert.Contains("filter type 5", e.Message);
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(4)] [InlineData(8)]
    public void ExpandsPalettes(int bitDepth)
    {
        int entries = 1 << bitDepth;
        var palette = Enumerable.Range(0, entries * 3).Select(i => (byte)(i * 37 % 256)).ToArray();
        var file = TestFiles.Png(W, H, bitDepth, 3, (x, y) => [(x + 3 * y) % entries], palette);
        var image = ImageFile.DecodeRgb(file, "p.png");
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                int index = (x + 3 * y) % entries;
                Assert.Equal(palette.AsSpan(index * 3, 3).ToArray(), image.Data.AsSpan((y * W + x) * 3, 3).ToArray());
            }
    }

    [Fact]
    public void PaletteIndexBeyondPaletteIsRejected()
    {
        var file = TestFiles.Png(4, 4, 8, 3, (x, y) => [x + y], palette: new byte[3 * 4]);
        var e = Assert.Throws<InvalidFileException>(() => ImageFile.DecodeRgb(file, "p.png"));
        Assert.Contains("palette index", e.Message);
    }

    [Fact]
    public void RgbConversionDropsAlphaReplicatesGreyAndKeepsHighByte()
    {
        var rgba16 = ImageFile.DecodeRgb(TestFiles.Png(2, 1, 16, 6, (x, _) => [0x1234 + x, 0xABCD, 0x00FF, 7]), "a.png");
        Assert.Equal(new byte[] { 0x12, 0xAB, 0x00, 0x12, 0xAB, 0x00 }, rgba16.Data);
        var grey2 = ImageFile.DecodeRgb(TestFiles.Png(4, 1, 2, 0, (x, _) => [x]), "g.png");
        Assert.Equal(new byte[] { 0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255 }, grey2.Data);
        var greyAlpha = ImageFile.DecodeRgb(TestFiles.Png(1, 1, 8, 4, (_, _) => [99, 0]), "ga.png");
        Assert.Equal(new byte[] { 99, 99, 99 }, greyAlpha.Data);
    }

    [Fact]
    public void DepthPngRejectsColourImages()
    {
        var file = TestFiles.Png(3, 3, 8, 2, (x, y) => [x, y, 0]);
        var e = Assert.Throws<InvalidFileException>(() => DepthFile.DecodePng16(file, "rgb.png", 0.001));
        Assert.Contains("single-channel", e.Message);
    }
}
