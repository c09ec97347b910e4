using System.IO.Compression;

namespace BetterDepth.Imaging.Png;

/// <summary>The two zlib settings of a PNG's IDAT stream: level (0 stores) and match-finding strategy.</summary>
public readonly record struct PngCompression(int Level, ZLibCompressionStrategy Strategy)
{
    /// <summary>
    /// Run-length matches only (zlib's Z_RLE, which ignores the level above 0): a filtered map's residuals repeat at
    /// distance one far more than anywhere else, so depth files come out about as small as with the match finder, in
    /// less time (bench/png-writing.cs; the figures are in bench/README.md).
    /// </summary>
    public static PngCompression Default { get; } = new(6, ZLibCompressionStrategy.RunLengthEncoding);

    /// <summary>No compression: the filtered rows as stored blocks.</summary>
    public static PngCompression Stored { get; } = new(0, ZLibCompressionStrategy.Default);

    /// <summary>zlib's usual match finder at <paramref name="level"/> (1 fastest to 9 smallest).</summary>
    public static PngCompression Zlib(int level) => new(level, ZLibCompressionStrategy.Default);

    public void Validate()
    {
        if (Level is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(Level), Level, "zlib levels are 0 to 9");
        if (!Enum.IsDefined(Strategy)) throw new ArgumentOutOfRangeException(nameof(Strategy), Strategy, "not a zlib strategy");
    }

    /// <summary>
    /// FLEVEL of the zlib header, as zlib itself sets it: 0 for level 0 or 1 and for strategies without a match finder
    /// (Huffman only, run-length, fixed), else 1 below level 6, 2 at 6, 3 above.
    /// </summary>
    public int LevelClass => Level < 2 || Strategy >= ZLibCompressionStrategy.HuffmanOnly ? 0 : Level < 6 ? 1 : Level == 6 ? 2 : 3;
}
