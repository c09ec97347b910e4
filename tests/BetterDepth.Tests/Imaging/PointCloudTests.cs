using System.Buffers.Binary;
using System.Text;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class PointCloudTests
{
    static (string Header, byte[] Body) ReadPly(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var marker = Encoding.ASCII.GetBytes("end_header\n");
        int end = bytes.AsSpan().IndexOf(marker) + marker.Length;
        return (Encoding.ASCII.GetString(bytes, 0, end), bytes[end..]);
    }

    [Fact]
    public void BackProjectsValidPixelsWithColour()
    {
        var depth = new DepthMap(3, 2, DepthKind.Depth, [2, 0, 4, float.PositiveInfinity, 1, 8]);
        var rgb = new RgbImage(3, 2);
        for (int i = 0; i < rgb.Data.Length; i++) rgb.Data[i] = (byte)(10 * i);
        var k = new CameraIntrinsics(2, 4, 1, 0.5);
        var path = Path.Combine(TestData.NewTempDir(), "cloud.ply");
        PointCloud.WritePly(path, depth, k, rgb, valid: [true, true, true, true, true, false]);

        var (header, body) = ReadPly(path);
        Assert.StartsWith("ply\nformat binary_little_endian 1.0\n", header);
        Assert.Contains("element vertex 3\n", header);
        Assert.Equal(3 * 15, body.Length);
        // Pixels (0,0) z=2, (2,0) z=4, (1,1) z=1; (1,0) is zero, (0,1) inf, (2,1) masked.
        float[][] expected = [[(0 - 1) * 2 / 2f, (0 - 0.5f) * 2 / 4f, 2], [(2 - 1) * 4 / 2f, (0 - 0.5f) * 4 / 4f, 4], [0, (1 - 0.5f) * 1 / 4f, 1]];
        int[] pixel = [0, 2, 4];
        for (int n = 0; n < 3; n++)
        {
            for (int c = 0; c < 3; c++) Assert.Equal(expected[n][c], BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(n * 15 + c * 4)), 6);
            Assert.Equal(rgb.Data.AsSpan(pixel[n] * 3, 3).ToArray(), body.AsSpan(n * 15 + 12, 3).ToArray());
        }
    }

    [Fact]
    public void RealNyuCloudHasOnePointPerValidPixel()
    {
        var depth = DepthFile.ReadPng16(TestData.Real("nyu-crop", "depth.png"), 0.001);
        var rgb = ImageFile.ReadRgb(TestData.Real("nyu-crop", "rgb.jpg"));
        var path = Path.Combine(TestData.NewTempDir(), "nyu.ply");
        PointCloud.WritePly(path, depth, new CameraIntrinsics(518.8579, 519.4696, 325.5825 - 43, 253.7362 - 45), rgb);
        var (header, body) = ReadPly(path);
        int valid = depth.Values.Count(v => v > 0);
        Assert.Contains($"element vertex {valid}\n", header);
        Assert.Equal(valid * 15, body.Length);
    }

    [Fact]
    public void RefusesRelativeDepthAndMismatchedColour()
    {
        var path = Path.Combine(TestData.NewTempDir(), "x.ply");
        var k = new CameraIntrinsics(1, 1, 0, 0);
        Assert.Throws<ArgumentException>(() => PointCloud.WritePly(path, new DepthMap(2, 2, DepthKind.AffineDisparity), k));
        Assert.Throws<ArgumentException>(() => PointCloud.WritePly(path, new DepthMap(2, 2, DepthKind.Depth), k, new RgbImage(3, 2)));
        Assert.False(File.Exists(path));
    }
}
