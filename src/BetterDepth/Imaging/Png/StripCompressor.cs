using System.Buffers.Binary;
using System.IO.Compression;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// Filters and deflates an image's rows into one zlib stream (the content of IDAT) in strips that are compressed in
/// parallel, as pigz does: every strip but the last is a raw deflate stream cut after a sync flush, which ends on a
/// byte boundary without a final block, so the strips concatenate into one valid stream; the last strip closes it;
/// the Adler-32 of the whole is combined from the strips' own. One image's PNG then uses every core, and the files of
/// one prediction balance across cores instead of waiting for the largest.
/// </summary>
static class StripCompressor
{
    /// <summary>
    /// Raw bytes per strip. Each strip starts deflate's 32 KiB window afresh, which costs zlib's match finder a little
    /// file size at this length (bench/README.md); the default run-length strategy looks back one byte only, so for it
    /// a strip boundary costs just a new set of Huffman tables.
    /// </summary>
    public const int StripBytes = 64 * 1024;

    public static byte[] Compress(ReadOnlyMemory<byte> rows, int rowBytes, int stride, PngCompression compression)
    {
        int height = rows.Length / rowBytes;
        int stripRows = Math.Max(1, StripBytes / rowBytes);
        int strips = Math.Max(1, (height + stripRows - 1) / stripRows);
        var parts = new Strip[strips];
        Parallel.For(0, strips, s =>
            parts[s] = CompressStrip(rows.Span, rowBytes, stride, compression, s * stripRows, Math.Min(height, (s + 1) * stripRows), last: s == strips - 1));

        var stream = new byte[2 + parts.Sum(p => p.Deflated.Length) + 4];
        // zlib header, the strips' deflate data in order, Adler-32 of all filtered bytes
        Header(compression).CopyTo(stream);
        int offset = 2;
        uint adler = 1; // the checksum of nothing
        foreach (var part in parts)
        {
            part.Deflated.Span.CopyTo(stream.AsSpan(offset));
            offset += part.Deflated.Length;
            adler = Adler32.Combine(adler, part.Adler, part.FilteredLength);
        }
        BinaryPrimitives.WriteUInt32BigEndian(stream.AsSpan(offset), adler);
        return stream;
    }

    readonly record struct Strip(ReadOnlyMemory<byte> Deflated, uint Adler, long FilteredLength);

    static Strip CompressStrip(ReadOnlySpan<byte> rows, int rowBytes, int stride, PngCompression compression, int firstRow, int endRow, bool last)
    {
        var filtered = new byte[(endRow - firstRow) * (rowBytes + 1)];
        // the row above the image is all zeros; the row above a later strip is the previous strip's last raw row
        ReadOnlySpan<byte> up = firstRow == 0 ? new byte[rowBytes] : rows.Slice((firstRow - 1) * rowBytes, rowBytes);
        for (int y = firstRow; y < endRow; y++)
        {
            var row = rows.Slice(y * rowBytes, rowBytes);
            RowFilters.FilterBest(row, up, stride, filtered.AsSpan((y - firstRow) * (rowBytes + 1), rowBytes + 1));
            up = row;
        }

        var output = new MemoryStream(filtered.Length / 4 + 64);
        long length;
        using (var deflate = new DeflateStream(output, new ZLibCompressionOptions { CompressionLevel = compression.Level, CompressionStrategy = compression.Strategy }, leaveOpen: true))
        {
            deflate.Write(filtered);
            deflate.Flush(); // sync flush: everything so far, then an empty stored block, byte-aligned
            length = output.Length;
        } // disposing appends the final block, which only the last strip keeps
        if (last) length = output.Length;
        return new Strip(output.GetBuffer().AsMemory(0, (int)length), Adler32.Compute(filtered), filtered.Length);
    }

    /// <summary>CMF (deflate, 32 KiB window) and FLG (zlib's level class; check bits making the pair divisible by 31).</summary>
    static byte[] Header(PngCompression compression)
    {
        const int cmf = 0x78;
        int flg = compression.LevelClass << 6;
        flg += 31 - (cmf * 256 + flg) % 31;
        return [cmf, (byte)flg];
    }
}
