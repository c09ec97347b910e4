using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Hostile;

/// <summary>
/// Decoders bound decoded pixels, not compressed bytes (issue 15): a valid 16 KB palette PNG of 11585x11585 pixels
/// made predict peak at 4 GB. Each bomb here is refused from its header, before the image is allocated.
/// </summary>
public class DecodeLimitTests
{
    /// <summary>A valid 1-bit palette PNG of <paramref name="side"/> x <paramref name="side"/> black pixels: about 16 KB at 11585.</summary>
    public static byte[] PalettePng(int side)
    {
        var raw = new byte[(long)side * (1 + (side + 7) / 8)]; // filter byte 0 and all-zero indices on every row
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(raw);
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 3; // palette
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "PLTE", [0, 0, 0, 255, 255, 255]);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32([.. head.AsSpan(4), .. data]));
        s.Write(crc);
    }

    [Fact]
    public void ASmallValidPalettePngDeclaring11585SquaredIsRefusedBeforeDecoding()
    {
        var bytes = PalettePng(11585);
        Assert.True(bytes.Length < 64 * 1024, $"{bytes.Length} bytes");
        var path = Path.Combine(TestData.NewTempDir("bomb"), "bomb.png");
        File.WriteAllBytes(path, bytes);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Refused.By(() => ImageFile.ReadRgb(path), path);
        Assert.Contains(DecodeLimit.EnvironmentVariable, e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L << 20, "allocated the image before refusing it");
    }

    [Fact]
    public void ThePaletteWriterMakesPngsTheReaderDecodes()
    {
        var image = ImageFile.DecodeRgb(PalettePng(9), "small.png");
        Assert.Equal((9, 9), (image.Width, image.Height));
    }

    [Fact]
    public void APfmDeclaringTooManyPixelsIsRefusedFromItsHeader()
    {
        var path = Path.Combine(TestData.NewTempDir("bomb"), "bomb.pfm");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("Pf\n20000 20000\n-1\n"), .. new byte[16]]);
        var e = Refused.By(() => DepthFile.ReadPfm(path, DepthKind.AffineDisparity), path);
        Assert.Contains("decoding limit", e.Message);
    }

    [Fact]
    public void TheLimitIsOverridableAndABadSettingIsAUserError()
    {
        Assert.Equal(DecodeLimit.DefaultMaxPixels, DecodeLimit.Parse(null));
        Assert.Equal(DecodeLimit.DefaultMaxPixels, DecodeLimit.Parse(" "));
        Assert.Equal(200_000_000, DecodeLimit.Parse("200000000"));
        foreach (var bad in new[] { "0", "-5", "lots", "1e9", (DecodeLimit.Ceiling + 1).ToString() })
            Assert.Throws<ArgumentException>(() => DecodeLimit.Parse(bad));
        Assert.Throws<InvalidFileException>(() => DecodeLimit.CheckSamples(DecodeLimit.DefaultMaxPixels * DecodeLimit.MaxSamplesPerPixel + 1, "x.npy"));
    }
}
