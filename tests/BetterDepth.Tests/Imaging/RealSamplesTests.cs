using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;
using StbImageSharp;

namespace BetterDepth.Tests.Imaging;

/// <summary>
/// The real benchmark samples decode to what their README says. Aggregate numbers (valid counts, sums of raw
/// values, single pixels) were verified with an independent Python decoder (zlib + struct); the high bytes of
/// 16-bit samples and all 8-bit images are also compared pixel by pixel against StbImageSharp, a second decoder.
/// </summary>
public class RealSamplesTests
{
    static void AssertSameAsStb(string path, PngImage png)
    {
        var stb = ImageResult.FromMemory(File.ReadAllBytes(path), png.Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        Assert.Equal(png.Width, stb.Width);
        Assert.Equal(png.Height, stb.Height);
        int shift = png.BitDepth == 16 ? 8 : 0;
        int channels = png.Channels == 1 ? 1 : 3;
        int mismatches = 0;
        for (int p = 0; p < png.Width * png.Height; p++)
            for (int c = 0; c < channels; c++)
                if (stb.Data[p * channels + c] != (byte)(png.Samples[p * png.Channels + c] >> shift)) mismatches++;
        Assert.Equal(0, mismatches);
    }

    static (int Valid, double Min, double Max, double Sum) Stats(DepthMap map)
    {
        Assert.DoesNotContain(map.Values, v => !float.IsFinite(v) || v < 0);
        int valid = 0; double min = double.MaxValue, max = 0, sum = 0;
        foreach (var v in map.Values)
        {
            if (v == 0) continue;
            valid++; sum += v; min = Math.Min(min, v); max = Math.Max(max, v);
        }
        return (valid, min, max, sum);
    }

    [Fact]
    public void NyuDepthIsMillimetres565x427()
    {
        var path = TestData.Real("nyu-crop", "depth.png");
        var png = PngReader.Read(path);
        Assert.Equal((565, 427, 1, 16), (png.Width, png.Height, png.Channels, png.BitDepth));
        AssertSameAsStb(path, png);

        var depth = DepthFile.ReadPng16(path, 1.0 / 1000);
        Assert.Equal(DepthKind.Depth, depth.Kind);
        var (valid, min, max, sum) = Stats(depth);
        Assert.InRange(valid / (double)depth.PixelCount, 0.9717, 0.9718);
        Assert.Equal(1.131, min, 5);
        Assert.Equal(2.097, max, 5);
        Assert.Equal(361291.180, sum, 0);
        Assert.Equal(1.586f, depth[0, 0], 5);
        Assert.Equal(1.284f, depth[300, 200], 5);
        Assert.Equal(0f, depth[564, 426]);
    }

    [Fact]
    public void KittiDepthIsOver256AndSparse()
    {
        var path = TestData.Real("kitti-annotated", "depth.png");
        AssertSameAsStb(path, PngReader.Read(path));
        var depth = DepthFile.Read(path, DepthKind.Depth, 1.0 / 256);
        Assert.Equal((1242, 375), (depth.Width, depth.Height));
        var (valid, min, max, sum) = Stats(depth);
        Assert.InRange(valid / (double)depth.PixelCount, 0.19, 0.20);
        Assert.Equal(1365 / 256.0, min, 4);
        Assert.Equal(21733 / 256.0, max, 4);
        Assert.Equal(416223157 / 256.0, sum, 0);
        // The annotated LiDAR ground truth has nothing in the sky rows at the top.
        for (int x = 0; x < depth.Width; x++) Assert.Equal(0f, depth[x, 0]);
    }

    [Fact]
    public void TumDepthIsOver5000()
    {
        var path = TestData.Real("tum-fr1", "1_depth.png");
        var depth = DepthFile.ReadPng16(path, 1.0 / 5000);
        Assert.Equal((640, 480), (depth.Width, depth.Height));
        var (valid, min, max, _) = Stats(depth);
        Assert.InRange(valid / (double)depth.PixelCount, 0.6668, 0.6669);
        Assert.Equal(4847 / 5000.0, min, 5);
        Assert.Equal(42819 / 5000.0, max, 5);
        Assert.Equal(8026 / 5000f, depth[320, 240], 5);
    }

    [Fact]
    public void MiddleburyPfmIsDisparityWithInfInvalid()
    {
        var path = TestData.Real("middlebury2014-motorcycle", "disp0GT.pfm");
        var disparity = DepthFile.Read(path, DepthKind.Disparity);
        Assert.Equal((741, 497), (disparity.Width, disparity.Height));
        var (valid, min, max, sum) = Stats(disparity);
        Assert.Equal(741 * 497 - 7684, valid);
        Assert.Equal(9.17755126953125, min, 6);
        Assert.Equal(62.877349853515625, max, 6);
        Assert.Equal(13136975.64, sum, 0);
        // Rows are stored bottom-to-top: (0, 0) is the first value of the last stored row.
        Assert.Equal(11.36392593383789f, disparity[0, 0]);
        Assert.Equal(51.671875f, disparity[370, 248]);
        Assert.Equal(59.1033935546875f, disparity[740, 496]);

        // depth_mm = baseline * f / (d + doffs) from calib.txt puts the motorcycle 2..4.6 m from the rig.
        var calib = File.ReadAllLines(TestData.Real("middlebury2014-motorcycle", "calib.txt"))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        double f = double.Parse(calib["cam0"].Trim('[').Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        double baseline = double.Parse(calib["baseline"], System.Globalization.CultureInfo.InvariantCulture);
        double doffs = double.Parse(calib["doffs"], System.Globalization.CultureInfo.InvariantCulture);
        var metres = disparity.Values.Where(d => d > 0).Select(d => baseline * f / (d + doffs) / 1000).ToArray();
        Assert.InRange(metres.Min(), 1.9, 2.1);
        Assert.InRange(metres.Max(), 4.5, 4.7);
    }

    [Theory]
    [InlineData("kitti-annotated", "rgb.png", 1242, 375)]
    [InlineData("middlebury2014-motorcycle", "im0.png", 741, 497)]
    [InlineData("tum-fr1", "1.png", 640, 480)]
    public void RgbPngsMatchASecondDecoder(string folder, string file, int width, int height)
    {
        var path = TestData.Real(folder, file);
        var image = ImageFile.ReadRgb(path);
        Assert.Equal((width, height), (image.Width, image.Height));
        var stb = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        Assert.Equal(stb.Data, image.Data);
    }

    [Fact]
    public void RgbPixelsMatchPythonDecode()
    {
        var kitti = ImageFile.ReadRgb(TestData.Real("kitti-annotated", "rgb.png"));
        Assert.Equal(new byte[] { 155, 168, 162 }, kitti.Data.AsSpan((187 * 1242 + 621) * 3, 3).ToArray());
        var tum = ImageFile.ReadRgb(TestData.Real("tum-fr1", "1.png"));
        Assert.Equal(new byte[] { 198, 159, 84 }, tum.Data.AsSpan(0, 3).ToArray());
    }

    [Fact]
    public void NyuJpegDecodes()
    {
        var image = ImageFile.ReadRgb(TestData.Real("nyu-crop", "rgb.jpg"));
        Assert.Equal((565, 427), (image.Width, image.Height));
        // A real indoor photo: neither blank nor saturated, and all three channels used.
        double mean = image.Data.Average(b => (double)b);
        Assert.InRange(mean, 30, 220);
        Assert.True(image.Data.Distinct().Count() > 200);
    }

    [Fact]
    public void MiddleburyMaskZerosAreExactlyThePfmInfPixels()
    {
        var png = PngReader.Read(TestData.Real("middlebury2014-motorcycle", "mask0nocc.png"));
        Assert.Equal((1, 8), (png.Channels, png.BitDepth));
        Assert.Equal(new ushort[] { 0, 128, 255 }, png.Samples.Distinct().Order().ToArray());
        var disparity = DepthFile.ReadPfm(TestData.Real("middlebury2014-motorcycle", "disp0GT.pfm"), DepthKind.Disparity);
        int mismatches = Enumerable.Range(0, disparity.PixelCount).Count(i => (png.Samples[i] == 0) != (disparity.Values[i] == 0));
        Assert.Equal(0, mismatches);
        Assert.Equal(7684, png.Samples.Count(v => v == 0));
    }
}
