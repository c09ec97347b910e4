using System.Buffers.Binary;
using System.Text;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Tests.Imaging;

public class FormatRoundTripTests
{
    static DepthMap Ramp(int w, int h, DepthKind kind = DepthKind.Depth)
    {
        var map = new DepthMap(w, h, kind);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) map[x, y] = 0.5f + 0.37f * x + 1.9f * y + (x * y % 7) * 0.013f;
        return map;
    }

    [Fact]
    public void NpyRoundTripKeepsValuesAndShape()
    {
        var dir = TestData.NewTempDir();
        var map = Ramp(13, 7, DepthKind.AffineDisparity);
        var path = Path.Combine(dir, "d.npy");
        DepthFile.WriteNpy(path, map);
        var bytes = File.ReadAllBytes(path);
        // numpy aligns the data to 64 bytes and records shape (H, W).
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Contains("'shape': (7, 13)", Encoding.ASCII.GetString(bytes, 10, headerLength));
        var back = DepthFile.ReadNpy(path, DepthKind.AffineDisparity);
        Assert.Equal(map.Values, back.Values);
        Assert.Equal((13, 7), (back.Width, back.Height));
        var array = Npy.Read(path);
        Assert.Equal(new[] { 7, 13 }, array.Shape);
        Assert.Equal("float32", array.DType);
    }

    [Fact]
    public void PfmRoundTripKeepsValuesAndStoresRowsBottomUp()
    {
        var dir = TestData.NewTempDir();
        var map = Ramp(5, 4);
        map[2, 1] = float.PositiveInfinity;
        var path = Path.Combine(dir, "d.pfm");
        DepthFile.WritePfm(path, map);
        var bytes = File.ReadAllBytes(path);
        var header = "Pf\n5 4\n-1\n";
        Assert.Equal(header, Encoding.ASCII.GetString(bytes, 0, header.Length));
        // First stored float is the bottom-left pixel.
        Assert.Equal(map[0, 3], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(header.Length)));
        var back = DepthFile.ReadPfm(path, DepthKind.Depth);
        Assert.Equal(0f, back[2, 1]);
        back[2, 1] = map[2, 1] = 0;
        Assert.Equal(map.Values, back.Values);
    }

    [Fact]
    public void BigEndianPfmIsRead()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "be.pfm");
        var header = Encoding.ASCII.GetBytes("Pf\n2 2\n1.0\n");
        float[] stored = [1, 2, 3, 4]; // bottom row first: (0,1)=1 (1,1)=2 (0,0)=3 (1,0)=4
        var data = new byte[16];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(i * 4), stored[i]);
        File.WriteAllBytes(path, [.. header, .. data]);
        var map = DepthFile.ReadPfm(path, DepthKind.Disparity);
        Assert.Equal(new float[] { 3, 4, 1, 2 }, map.Values);
    }

    [Fact]
    public void Png16RoundTripRoundsAndClamps()
    {
        var dir = TestData.NewTempDir();
        var map = new DepthMap(4, 2, DepthKind.Depth, [0.0f, 1.2344f, 1.2346f, 70f, -1f, float.NaN, float.PositiveInfinity, 0.0005f]);
        var path = Path.Combine(dir, "d.png");
        DepthFile.WritePng16(path, map, 1000);
        var png = PngReader.Read(path);
        Assert.Equal((4, 2, 1, 16), (png.Width, png.Height, png.Channels, png.BitDepth));
        Assert.Equal(new ushort[] { 0, 1234, 1235, 65535, 0, 0, 0, 1 }, png.Samples);
        var back = DepthFile.Read(path, DepthKind.Depth, 0.001);
        Assert.Equal(1.235f, back[2, 0], 6);
    }

    [Fact]
    public void RgbPngRoundTripIsLossless()
    {
        var dir = TestData.NewTempDir();
        var rng = new Random(3);
        var image = new RgbImage(31, 17);
        rng.NextBytes(image.Data);
        var path = Path.Combine(dir, "i.png");
        ImageFile.WritePng(path, image);
        Assert.Equal(image.Data, ImageFile.ReadRgb(path).Data);
        // A second decoder agrees with our encoder.
        var stb = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(path), StbImageSharp.ColorComponents.RedGreenBlue);
        Assert.Equal(image.Data, stb.Data);
    }

    [Fact]
    public void RawFloat32ReadsLittleEndianRowMajorWithInfInvalid()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "d.raw");
        float[] values = [1.5f, float.PositiveInfinity, 3f, 4f, 5f, 6.25f];
        var bytes = new byte[24];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        File.WriteAllBytes(path, bytes);
        var map = DepthFile.ReadRawFloat32(path, 3, 2);
        Assert.Equal(new float[] { 1.5f, 0, 3, 4, 5, 6.25f }, map.Values);
        var e = Assert.Throws<InvalidFileException>(() => DepthFile.ReadRawFloat32(path, 4, 2));
        Assert.Contains(path, e.Message);
        Assert.Contains("32 bytes", e.Message);
    }

    [Fact]
    public void WritersRefuseNaN()
    {
        var dir = TestData.NewTempDir();
        var map = Ramp(3, 3);
        map[1, 1] = float.NaN;
        Assert.Throws<ArgumentException>(() => DepthFile.WriteNpy(Path.Combine(dir, "a.npy"), map));
        Assert.Throws<ArgumentException>(() => DepthFile.WritePfm(Path.Combine(dir, "a.pfm"), map));
        Assert.Empty(Directory.GetFiles(dir));
    }
}
