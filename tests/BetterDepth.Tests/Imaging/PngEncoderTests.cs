using System.Buffers.Binary;
using System.IO.Compression;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Tests.Imaging;

/// <summary>The vectorised row filters: exact round trips, and per row the filter the minimum-sum heuristic picks.</summary>
public class PngEncoderTests
{
    public static TheoryData<int, int> Shapes => new() { { 1, 0 }, { 5, 1 }, { 31, 2 }, { 33, 3 }, { 64, 0 }, { 97, 1 }, { 130, 2 } };

    /// <summary>Rows of four kinds: noise, smooth ramps, hard 0/255 edges (residuals of exactly -128), and a flat tone.</summary>
    static byte[] Rows(int rowBytes, int height, int kind, Random rng) =>
        Enumerable.Range(0, rowBytes * height).Select(i => kind switch
        {
            0 => (byte)rng.Next(256),
            1 => (byte)(i % rowBytes / 2 + i / rowBytes * 3 + rng.Next(2)),
            2 => (byte)(rng.Next(2) * 255),
            _ => (byte)(128 + rng.Next(-1, 2)),
        }).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RgbRoundTripsAndEachRowUsesTheCheapestFilter(int width, int kind)
    {
        const int height = 9;
        var rgb = Rows(width * 3, height, kind, new Random(width));
        var file = new MemoryStream();
        PngWriter.WriteRgb8(file, width, height, rgb);
        var png = PngReader.Decode(file.ToArray(), "t.png");
        Assert.Equal(rgb.Select(b => (ushort)b), png.Samples);
        Assert.Equal(ReferenceFilterChoices(rgb, width * 3, 3), FilterTypes(file.ToArray(), width * 3, height));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gray16RoundTripsAndEachRowUsesTheCheapestFilter(int width, int kind)
    {
        const int height = 9;
        var bytes = Rows(width * 2, height, kind, new Random(width + 1));
        var values = Enumerable.Range(0, width * height).Select(i => (ushort)(bytes[2 * i] << 8 | bytes[2 * i + 1])).ToArray();
        var file = new MemoryStream();
        PngWriter.WriteGray16(file, width, height, values);
        var png = PngReader.Decode(file.ToArray(), "t.png");
        Assert.Equal(values, png.Samples);
        Assert.Equal(ReferenceFilterChoices(bytes, width * 2, 2), FilterTypes(file.ToArray(), width * 2, height));
    }

    /// <summary>
    /// Tall enough for several strips (64 KiB of rows each), in both layouts: every row still gets the cheapest filter
    /// (the row above a strip's first row is the previous strip's last), and the joined zlib stream inflates with its
    /// Adler-32 checked.
    /// </summary>
    [Theory]
    [InlineData(300, 400, 1)]
    [InlineData(257, 333, 0)]
    public void ImagesOfSeveralStripsRoundTripWithTheCheapestFilterPerRow(int width, int height, int kind)
    {
        var rgb = Rows(width * 3, height, kind, new Random(height));
        var file = new MemoryStream();
        PngWriter.WriteRgb8(file, width, height, rgb);
        Assert.Equal(rgb.Select(b => (ushort)b), PngReader.Decode(file.ToArray(), "t.png").Samples);
        Assert.Equal(ReferenceFilterChoices(rgb, width * 3, 3), FilterTypes(file.ToArray(), width * 3, height));
        // a second inflater (stb_image's own) reads the joined strips too
        Assert.Equal(rgb, StbImageSharp.ImageResult.FromMemory(file.ToArray(), StbImageSharp.ColorComponents.RedGreenBlue).Data);

        var bytes = Rows(width * 2, height, kind, new Random(height + 1));
        var values = Enumerable.Range(0, width * height).Select(i => (ushort)(bytes[2 * i] << 8 | bytes[2 * i + 1])).ToArray();
        file = new MemoryStream();
        PngWriter.WriteGray16(file, width, height, values);
        Assert.Equal(values, PngReader.Decode(file.ToArray(), "t.png").Samples);
        Assert.Equal(ReferenceFilterChoices(bytes, width * 2, 2), FilterTypes(file.ToArray(), width * 2, height));
    }

    [Fact]
    public void PaletteImagesRoundTripThroughBothDecoders()
    {
        const int width = 203, height = 411; // several strips of one byte per pixel
        var rng = new Random(9);
        var palette = new byte[17 * 3];
        rng.NextBytes(palette);
        var indices = Enumerable.Range(0, width * height).Select(i => (byte)((i % width / 13 + i / width / 29 + rng.Next(2)) % 17)).ToArray();
        var image = new IndexedImage(width, height, indices, palette);
        var file = new MemoryStream();
        PngWriter.WriteIndexed8(file, image);
        var expected = image.ToRgb().Data;
        var png = PngReader.Decode(file.ToArray(), "t.png");
        Assert.Equal((3, 8), (png.Channels, png.BitDepth));
        Assert.Equal(expected.Select(b => (ushort)b), png.Samples);
        Assert.Equal(expected, StbImageSharp.ImageResult.FromMemory(file.ToArray(), StbImageSharp.ColorComponents.RedGreenBlue).Data);
        Assert.Throws<ArgumentException>(() => new IndexedImage(width, height, [.. indices[..^1], 17], palette));
    }

    [Fact]
    public void ACorruptedStripFailsTheStreamsChecksum()
    {
        const int width = 300, height = 400;
        var rgb = Rows(width * 3, height, 0, new Random(5));
        var file = new MemoryStream();
        PngWriter.WriteRgb8(file, width, height, rgb, PngCompression.Stored); // stored: a flipped byte is a flipped sample
        var png = file.ToArray();
        var idat = IdatRange(png);
        png[idat.Offset + idat.Length / 2] ^= 0x40;
        using var inflate = new ZLibStream(new MemoryStream(png, idat.Offset, idat.Length), CompressionMode.Decompress);
        Assert.ThrowsAny<InvalidDataException>(() => inflate.CopyTo(Stream.Null));
    }

    [Fact]
    public void EveryZlibLevelRoundTripsAndHigherLevelsAreNotLarger()
    {
        var rgb = Rows(40 * 3, 30, 1, new Random(3));
        var sizes = new List<long>();
        foreach (int level in new[] { 0, 1, 4, 9 })
        {
            var file = new MemoryStream();
            PngWriter.WriteRgb8(file, 40, 30, rgb, PngCompression.Zlib(level));
            Assert.Equal(rgb.Select(b => (ushort)b), PngReader.Decode(file.ToArray(), "t.png").Samples);
            sizes.Add(file.Length);
        }
        Assert.True(sizes[0] > sizes[1] && sizes[1] >= sizes[3], string.Join(", ", sizes)); // level 0 stores
        Assert.Throws<ArgumentOutOfRangeException>(() => PngWriter.WriteRgb8(new MemoryStream(), 40, 30, rgb, PngCompression.Zlib(10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngWriter.WriteRgb8(new MemoryStream(), 40, 30, rgb, new PngCompression(6, (ZLibCompressionStrategy)7)));
    }

    /// <summary>
    /// Every strategy over several strips decodes in both inflaters, and the header's FLEVEL is the one zlib would
    /// write (0 for the strategies without a match finder): the header check bits are verified by both.
    /// </summary>
    [Theory]
    [InlineData(ZLibCompressionStrategy.Default, 6, 2)]
    [InlineData(ZLibCompressionStrategy.Filtered, 3, 1)]
    [InlineData(ZLibCompressionStrategy.HuffmanOnly, 6, 0)]
    [InlineData(ZLibCompressionStrategy.RunLengthEncoding, 6, 0)]
    [InlineData(ZLibCompressionStrategy.Fixed, 9, 0)]
    public void EveryStrategyRoundTripsWithZlibsLevelClass(ZLibCompressionStrategy strategy, int level, int levelClass)
    {
        const int width = 257, height = 300;
        var bytes = Rows(width * 2, height, 1, new Random(level));
        var values = Enumerable.Range(0, width * height).Select(i => (ushort)(bytes[2 * i] << 8 | bytes[2 * i + 1])).ToArray();
        var file = new MemoryStream();
        PngWriter.WriteGray16(file, width, height, values, new PngCompression(level, strategy));
        var png = file.ToArray();
        Assert.Equal(values, PngReader.Decode(png, "t.png").Samples);
        // stb_image reads 16-bit samples as their high bytes
        Assert.Equal(values.Select(v => (byte)(v >> 8)), StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.Grey).Data);
        Assert.Equal(levelClass, png[IdatRange(png).Offset + 1] >> 6);
    }

    /// <summary>
    /// The default strategy's reason to exist: on a smooth 16-bit depth ramp with sensor-like noise in the low byte,
    /// run-length matches make a file no larger than zlib's level 2 (bench/png-writing.cs measures the time on real maps).
    /// </summary>
    [Fact]
    public void TheDefaultRunLengthStrategyIsNoLargerThanLevelTwoOnDepth()
    {
        const int width = 320, height = 240;
        var rng = new Random(4);
        var values = Enumerable.Range(0, width * height)
            .Select(i => (ushort)(20000 + i % width * 60 + i / width * 25 + rng.Next(-40, 41))).ToArray();
        byte[] Png(PngCompression? c) { var s = new MemoryStream(); PngWriter.WriteGray16(s, width, height, values, c); return s.ToArray(); }
        var rle = Png(null);
        long level2 = Png(PngCompression.Zlib(2)).Length, stored = Png(PngCompression.Stored).Length;
        Assert.True(rle.Length <= level2 && rle.Length < stored * 0.8, $"RLE {rle.Length} B, level 2 {level2} B, stored {stored} B");
        Assert.NotEqual(Png(PngCompression.Zlib(6)).Skip(43), rle.Skip(43)); // past the zlib header: the strategy reaches zlib itself
    }

    /// <summary>The heuristic written out byte by byte from the PNG specification: smallest sum of |signed residual|, ties to the lower type.</summary>
    static byte[] ReferenceFilterChoices(byte[] rows, int rowBytes, int stride)
    {
        int height = rows.Length / rowBytes;
        var choices = new byte[height];
        for (int y = 0; y < height; y++)
        {
            long best = long.MaxValue;
            for (byte f = 0; f <= 4; f++)
            {
                long score = 0;
                for (int i = 0; i < rowBytes; i++)
                {
                    int a = i >= stride ? rows[y * rowBytes + i - stride] : 0;
                    int b = y > 0 ? rows[(y - 1) * rowBytes + i] : 0;
                    int c = i >= stride && y > 0 ? rows[(y - 1) * rowBytes + i - stride] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int predictor = f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c };
                    score += Math.Abs((int)(sbyte)(byte)(rows[y * rowBytes + i] - predictor));
                }
                if (score < best) (best, choices[y]) = (score, f);
            }
        }
        return choices;
    }

    /// <summary>The filter-type byte that starts each row of the (single) IDAT stream.</summary>
    static byte[] FilterTypes(byte[] png, int rowBytes, int height)
    {
        var (offset, length) = IdatRange(png);
        using var inflate = new ZLibStream(new MemoryStream(png, offset, length), CompressionMode.Decompress);
        var raw = new MemoryStream();
        inflate.CopyTo(raw);
        Assert.Equal(height * (rowBytes + 1), raw.Length);
        return Enumerable.Range(0, height).Select(y => raw.GetBuffer()[y * (rowBytes + 1)]).ToArray();
    }

    /// <summary>Where the data of the (single) IDAT chunk sits in the file.</summary>
    static (int Offset, int Length) IdatRange(byte[] png)
    {
        for (int offset = 8; ;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            if (System.Text.Encoding.ASCII.GetString(png, offset + 4, 4) == "IDAT") return (offset + 8, length);
            offset += length + 12;
        }
    }
}
