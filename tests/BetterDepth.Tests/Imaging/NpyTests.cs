using System.Buffers.Binary;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class NpyTests
{
    static string Save(byte[] bytes, string name = "a.npy")
    {
        var path = Path.Combine(TestData.NewTempDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsAllHeaderVersions(int major)
    {
        var path = Save(TestFiles.Npy("<f4", "(2, 3)", TestFiles.Floats(1, 2, 3, 4, 5, 6.5f), major));
        var map = DepthFile.ReadNpy(path, DepthKind.Depth);
        Assert.Equal((3, 2), (map.Width, map.Height));
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6.5f }, map.Values);
    }

    [Fact]
    public void ReadsEveryDtypeInBothByteOrders()
    {
        var f8 = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(f8, 0.25);
        BinaryPrimitives.WriteDoubleLittleEndian(f8.AsSpan(8), 1e3);
        Assert.Equal(new float[] { 0.25f, 1000 }, Npy.Decode(TestFiles.Npy("<f8", "(1, 2)", f8), "x").Values);

        var f4be = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f4be, 3.5f);
        BinaryPrimitives.WriteSingleBigEndian(f4be.AsSpan(4), -2f);
        Assert.Equal(new float[] { 3.5f, -2 }, Npy.Decode(TestFiles.Npy(">f4", "(2,)", f4be), "x").Values);

        Assert.Equal(new float[] { 0x0102, 0xFFFE }, Npy.Decode(TestFiles.Npy("<u2", "(2,)", [0x02, 0x01, 0xFE, 0xFF]), "x").Values);
        Assert.Equal(new float[] { 0x0102, 0xFFFE }, Npy.Decode(TestFiles.Npy(">u2", "(2,)", [0x01, 0x02, 0xFF, 0xFE]), "x").Values);
        var u1 = Npy.Decode(TestFiles.Npy("|u1", "(3,)", [0, 7, 255]), "x");
        Assert.Equal("uint8", u1.DType);
        Assert.Equal(new float[] { 0, 7, 255 }, u1.Values);
        var b1 = Npy.Decode(TestFiles.Npy("|b1", "(3,)", [1, 0, 1]), "x");
        Assert.Equal("bool", b1.DType);
        Assert.Equal(new float[] { 1, 0, 1 }, b1.Values);
    }

    [Theory]
    [InlineData("(1, 2, 3)")]
    [InlineData("(2, 3, 1)")]
    [InlineData("(2, 3)")]
    public void AcceptsTheThreeImageShapes(string shape)
    {
        var map = DepthFile.ReadNpy(Save(TestFiles.Npy("<f4", shape, TestFiles.Floats(1, 2, 3, 4, 5, 6))), DepthKind.AffineDisparity);
        Assert.Equal((3, 2), (map.Width, map.Height));
        Assert.Equal(6f, map[2, 1]);
    }

    [Fact]
    public void ReadsBoolMasks()
    {
        var (mask, w, h) = Npy.ReadMask(Save(TestFiles.Npy("|b1", "(2, 2)", [1, 0, 0, 1])));
        Assert.Equal((2, 2), (w, h));
        Assert.Equal(new[] { true, false, false, true }, mask);
    }

    [Theory]
    [InlineData("<f4", "(2, 3)", true, 24, "Fortran")]
    [InlineData("<i4", "(2, 3)", false, 24, "unsupported dtype")]
    [InlineData("<c8", "(2, 3)", false, 48, "unsupported dtype")]
    [InlineData("<f4", "(2, 4)", false, 24, "needs more data")]
    [InlineData("<f4", "(2, 2)", false, 24, "needs 16 bytes")]
    [InlineData("<f4", "(99999, 99999, 99999)", false, 24, "needs more data")]
    [InlineData("<f4", "(2, 2, 2)", false, 32, "not an image")]
    public void RejectsBadArraysWithAClearMessage(string descr, string shape, bool fortran, int dataBytes, string problem)
    {
        var path = Save(TestFiles.Npy(descr, shape, new byte[dataBytes], fortran: fortran));
        var e = Assert.Throws<InvalidFileException>(() => DepthFile.ReadNpy(path, DepthKind.Depth));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith(path + ": ", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "non-finite")]
    public void RejectsNonFiniteDepth(float bad, string problem)
    {
        var path = Save(TestFiles.Npy("<f4", "(1, 2)", TestFiles.Floats(1, bad)));
        Assert.Contains(problem, Assert.Throws<InvalidFileException>(() => DepthFile.ReadNpy(path, DepthKind.Depth)).Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "fortran_order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "malformed")]
    [InlineData("{'descr': '<f4' 'fortran_order': False}", "malformed")]
    [InlineData("not a dict", "malformed")]
    public void RejectsMalformedHeaders(string header, string problem)
    {
        var e = Assert.Throws<InvalidFileException>(() => Npy.Decode(TestFiles.Npy("", "", new byte[8], rawHeader: header), "h.npy"));
        Assert.Contains(problem, e.Message);
    }
}
