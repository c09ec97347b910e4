using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class ResamplingTests
{
    static float[] Row(ResizeFilter filter, bool antialias, int newWidth, params float[] values) =>
        Resampling.Resize(new DepthMap(values.Length, 1, DepthKind.Depth, values), newWidth, 1, filter, antialias).Values;

    static void Near(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void BilinearUpscaleUsesHalfPixelCentres()
    {
        // torch.nn.functional.interpolate(mode="bilinear", align_corners=False) of [a, b] to 4 samples.
        Near([2, 2.5f, 3.5f, 4], Row(ResizeFilter.Bilinear, true, 4, 2, 4));
    }

    [Fact]
    public void BilinearDownscaleWithoutAntialiasSamplesTwoPixels()
    {
        Near([1.5f, 3.5f], Row(ResizeFilter.Bilinear, false, 2, 1, 2, 3, 4));
    }

    [Fact]
    public void BilinearDownscaleWithAntialiasWidensTheTriangle()
    {
        // Triangle of half-width 2 around centres 1 and 3: weights 1/4, 3/4, 3/4, 1/4 (the out-of-image tap dropped).
        Near([(3 * 1 + 3 * 2 + 1 * 3) / 7f, (1 * 2 + 3 * 3 + 3 * 4) / 7f], Row(ResizeFilter.Bilinear, true, 2, 1, 2, 3, 4));
    }

    [Fact]
    public void BicubicWithAMinusHalfReproducesQuadraticsInTheInterior()
    {
        // Keys' a = -0.5 is the only cubic convolution kernel exact for quadratics (a = -0.75, torch's default, is not).
        var input = Enumerable.Range(0, 16).Select(i => (float)(i * i)).ToArray();
        var output = Row(ResizeFilter.Bicubic, false, 32, input);
        for (int i = 6; i < 26; i++)
        {
            double x = (i + 0.5) / 2 - 0.5;
            Assert.Equal(x * x, output[i], 3);
        }
    }

    [Fact]
    public void AreaAveragesExactOverlaps()
    {
        Near([1.5f, 3.5f], Row(ResizeFilter.Area, true, 2, 1, 2, 3, 4));
        Near([(2 * 3 + 6) / 3f, (6 + 2 * 9) / 3f], Row(ResizeFilter.Area, true, 2, 3, 6, 9));
    }

    [Fact]
    public void NearestPicksThePixelUnderTheCentre()
    {
        Near([2, 4], Row(ResizeFilter.Nearest, true, 2, 1, 2, 3, 4));
        var mask = Resampling.ResizeMask([true, false, false, true, true, true], 3, 2, 6, 4);
        Assert.Equal(24, mask.Length);
        Assert.True(mask[0] && mask[1] && !mask[2] && !mask[5]);
        Assert.True(mask[3 * 6 + 0] && mask[3 * 6 + 5]);
    }

    [Theory]
    [InlineData(ResizeFilter.Nearest)]
    [InlineData(ResizeFilter.Bilinear)]
    [InlineData(ResizeFilter.Bicubic)]
    [InlineData(ResizeFilter.Area)]
    public void ConstantsStayConstantInBothDirections(ResizeFilter filter)
    {
        var image = new RgbImage(23, 11);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (byte)(i % 3 == 0 ? 200 : i % 3 == 1 ? 17 : 90);
        foreach (var (w, h) in new[] { (7, 5), (50, 30), (23, 4) })
        {
            var resized = Resampling.Resize(image, w, h, filter);
            Assert.Equal((w, h), (resized.Width, resized.Height));
            for (int i = 0; i < resized.Data.Length; i++) Assert.Equal(image.Data[i % 3], resized.Data[i]);
        }
    }

    [Fact]
    public void AntialiasRemovesAliasingOfFineStripes()
    {
        // Alternating 0/1 columns downscaled by 5: antialiased output is close to the mean 0.5,
        // plain sampling picks individual columns and stays at 0 or 1.
        var stripes = Enumerable.Range(0, 100).Select(i => (float)(i % 2)).ToArray();
        var smooth = Row(ResizeFilter.Bilinear, true, 20, stripes);
        var aliased = Row(ResizeFilter.Bilinear, false, 20, stripes);
        Assert.All(smooth.Skip(1).SkipLast(1), v => Assert.InRange(v, 0.4f, 0.6f));
        Assert.Contains(aliased, v => v < 0.1f || v > 0.9f);
    }
}
