using System.Buffers.Binary;
using System.Text;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

/// <summary>Every reader names the file and the problem, and throws nothing but <see cref="InvalidFileException"/>.</summary>
public class MalformedFileTests
{
    static string Save(byte[] bytes, string name)
    {
        var path = Path.Combine(TestData.NewTempDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static void AssertRejected(Action read, string path, string problem)
    {
        var e = Assert.Throws<InvalidFileException>(read);
        Assert.Equal(path, e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    static byte[] Real(string folder, string file) => File.ReadAllBytes(TestData.Real(folder, file));

    [Fact]
    public void TruncatedFilesOfEveryFormat()
    {
        var png = Real("nyu-crop", "depth.png");
        var path = Save(png[..(png.Length / 2)], "depth.png");
        AssertRejected(() => DepthFile.ReadPng16(path, 0.001), path, "");

        var jpg = Real("nyu-crop", "rgb.jpg");
        path = Save(jpg[..(jpg.Length * 2 / 3)], "rgb.jpg");
        AssertRejected(() => ImageFile.ReadRgb(path), path, "truncated");

        var pfm = Real("middlebury2014-motorcycle", "disp0GT.pfm");
        path = Save(pfm[..(pfm.Length - 5)], "d.pfm");
        AssertRejected(() => DepthFile.ReadPfm(path, DepthKind.Disparity), path, "bytes follow");

        path = Save(TestFiles.Npy("<f4", "(2, 3)", TestFiles.Floats(1, 2, 3, 4, 5, 6))[..^4], "d.npy");
        AssertRejected(() => DepthFile.ReadNpy(path, DepthKind.Depth), path, "needs more data");

        path = Save(TestFiles.Floats(1, 2, 3), "d.raw");
        AssertRejected(() => DepthFile.ReadRawFloat32(path, 2, 2), path, "needs 16 bytes");
    }

    [Fact]
    public void WrongMagic()
    {
        var path = Save(Encoding.ASCII.GetBytes("GIF89a this is not what you think"), "x.png");
        AssertRejected(() => ImageFile.ReadRgb(path), path, "not a PNG or JPEG");
        AssertRejected(() => DepthFile.ReadPng16(path, 1), path, "signature");
        path = Save(Encoding.ASCII.GetBytes("P6\n2 2\n255\n............"), "x.pfm");
        AssertRejected(() => DepthFile.ReadPfm(path, DepthKind.Depth), path, "not a PFM");
        path = Save(Encoding.ASCII.GetBytes("PK\x03\x04 a zip, maybe an npz"), "x.npy");
        AssertRejected(() => DepthFile.ReadNpy(path, DepthKind.Depth), path, "magic");
        path = Save([1, 2, 3], "x.tiff");
        AssertRejected(() => DepthFile.Read(path, DepthKind.Depth), path, "unknown depth file type '.tiff'");
    }

    [Fact]
    public void HeadersThatLieAboutTheSize()
    {
        // A PNG whose IHDR (checksum fixed) claims 60000 x 60000 pixels for a few kilobytes of data.
        var png = Real("tum-fr1", "1_depth.png");
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 60000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 60000);
        TestFiles.FixPngCrcs(png);
        var path = Save(png, "big.png");
        AssertRejected(() => DepthFile.ReadPng16(path, 1), path, "60000x60000");

        // Twice as many rows as stored: the image data runs out.
        png = Real("tum-fr1", "1_depth.png");
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 960);
        TestFiles.FixPngCrcs(png);
        path = Save(png, "tall.png");
        AssertRejected(() => DepthFile.ReadPng16(path, 1), path, "truncated");

        // Unfixed checksum.
        png = Real("tum-fr1", "1_depth.png");
        png[20] ^= 1;
        path = Save(png, "crc.png");
        AssertRejected(() => DepthFile.ReadPng16(path, 1), path, "CRC");

        var pfm = Encoding.ASCII.GetBytes("Pf\n100000 100000\n-1\n").Concat(TestFiles.Floats(1, 2)).ToArray();
        path = Save(pfm, "big.pfm");
        AssertRejected(() => DepthFile.ReadPfm(path, DepthKind.Depth), path, "100000x100000");

        var jpg = Real("nyu-crop", "rgb.jpg");
        int sof = jpg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpg.AsSpan(sof + 5), 65000);
        BinaryPrimitives.WriteUInt16BigEndian(jpg.AsSpan(sof + 7), 65000);
        path = Save(jpg, "big.jpg");
        AssertRejected(() => ImageFile.ReadRgb(path), path, "65000x65000");
    }

    [Fact]
    public void NaNValues()
    {
        var pfm = Encoding.ASCII.GetBytes("Pf\n2 1\n-1\n").Concat(TestFiles.Floats(1, float.NaN)).ToArray();
        var path = Save(pfm, "nan.pfm");
        AssertRejected(() => DepthFile.ReadPfm(path, DepthKind.Depth), path, "NaN at pixel (1, 0)");
        path = Save(TestFiles.Floats(float.NaN, 1), "nan.raw");
        AssertRejected(() => DepthFile.ReadRawFloat32(path, 2, 1), path, "NaN at pixel (0, 0)");
        path = Save(TestFiles.Npy("<f4", "(1, 2)", TestFiles.Floats(1, float.NaN)), "nan.npy");
        AssertRejected(() => Npy.Read(path), path, "NaN");
    }
}
