using System.Numerics;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// The five PNG row filters (None, Sub, Up, Average, Paeth) with SIMD, and the encoder's choice between them.
/// Choosing costs one pass over the row that scores all five filters from the same loaded bytes, then one pass that
/// writes the winner's residuals: trying each filter into a scratch row and summing it afterwards read and wrote
/// every row ten times. Bytes before the first pixel count as 0, as the format says.
/// </summary>
static partial class RowFilters
{
    public const int Count = 5;

    /// <summary>
    /// Writes the filter type to <paramref name="best"/>[0] and the residuals of the filter with the smallest sum of
    /// |signed residuals| (the usual heuristic; ties go to the lower type) to <paramref name="best"/>[1..].
    /// </summary>
    public static void FilterBest(ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> best)
    {
        Span<long> scores = stackalloc long[Count];
        Score(row, up, stride, scores);
        byte choice = 0;
        for (byte filter = 1; filter < Count; filter++) if (scores[filter] < scores[choice]) choice = filter;
        best[0] = choice;
        Apply(choice, row, up, stride, best[1..]);
    }

    /// <summary>residual = value - predictor (mod 256) for every byte of the row.</summary>
    public static void Apply(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> residuals)
    {
        if (filter >= Count) throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG filter types are 0 to 4");
        int n = row.Length, j = 0;
        for (; j < Math.Min(stride, n); j++) residuals[j] = (byte)(row[j] - Predict(filter, 0, up[j], 0));
        for (; j <= n - Vector<byte>.Count; j += Vector<byte>.Count)
        {
            var predictor = Predict(filter, new Vector<byte>(row[(j - stride)..]), new Vector<byte>(up[j..]), new Vector<byte>(up[(j - stride)..]));
            (new Vector<byte>(row[j..]) - predictor).CopyTo(residuals[j..]);
        }
        for (; j < n; j++) residuals[j] = (byte)(row[j] - Predict(filter, row[j - stride], up[j], up[j - stride]));
    }

    /// <summary>Each filter's sum of |residual|, each residual read as a signed byte.</summary>
    static void Score(ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<long> scores)
    {
        scores.Clear();
        int n = row.Length, j = 0;
        for (; j < Math.Min(stride, n); j++) ScoreByte(row[j], 0, up[j], 0, scores);
        Span<Vector<uint>> totals = stackalloc Vector<uint>[Count];
        for (; j <= n - Vector<byte>.Count; j += Vector<byte>.Count)
        {
            var x = new Vector<byte>(row[j..]);
            var a = new Vector<byte>(row[(j - stride)..]);
            var b = new Vector<byte>(up[j..]);
            var c = new Vector<byte>(up[(j - stride)..]);
            totals[0] += Magnitudes(x);
            totals[1] += Magnitudes(x - a);
            totals[2] += Magnitudes(x - b);
            totals[3] += Magnitudes(x - Mean(a, b));
            totals[4] += Magnitudes(x - Paeth(a, b, c));
        }
        for (int f = 0; f < Count; f++) scores[f] += Vector.Sum(totals[f]);
        for (; j < n; j++) ScoreByte(row[j], row[j - stride], up[j], up[j - stride], scores);
    }

    static void ScoreByte(byte x, byte left, byte up, byte upLeft, Span<long> scores)
    {
        for (byte f = 0; f < Count; f++) scores[f] += Math.Abs((int)(sbyte)(byte)(x - Predict(f, left, up, upLeft)));
    }

    static byte Predict(byte filter, byte left, byte up, byte upLeft) => filter switch
    {
        0 => 0,
        1 => left,
        2 => up,
        3 => (byte)((left + up) >> 1),
        _ => Paeth(left, up, upLeft),
    };

    static Vector<byte> Predict(byte filter, Vector<byte> left, Vector<byte> up, Vector<byte> upLeft) => filter switch
    {
        0 => Vector<byte>.Zero,
        1 => left,
        2 => up,
        3 => Mean(left, up),
        _ => Paeth(left, up, upLeft),
    };

    /// <summary>floor((a + b) / 2) without leaving 8 bits: (a &amp; b) + ((a ^ b) >> 1).</summary>
    static Vector<byte> Mean(Vector<byte> a, Vector<byte> b) => (a & b) + Vector.ShiftRightLogical(a ^ b, 1);

    static Vector<byte> Paeth(Vector<byte> left, Vector<byte> up, Vector<byte> upLeft)
    {
        Vector.Widen(left, out var aLow, out var aHigh);
        Vector.Widen(up, out var bLow, out var bHigh);
        Vector.Widen(upLeft, out var cLow, out var cHigh);
        return Vector.Narrow(Paeth(aLow, bLow, cLow), Paeth(aHigh, bHigh, cHigh));
    }

    /// <summary>Paeth's predictor on 16-bit lanes holding bytes: the neighbour closest to left + up - upLeft.</summary>
    static Vector<ushort> Paeth(Vector<ushort> left, Vector<ushort> up, Vector<ushort> upLeft)
    {
        var a = Vector.AsVectorInt16(left);
        var b = Vector.AsVectorInt16(up);
        var c = Vector.AsVectorInt16(upLeft);
        var pa = Vector.Abs(b - c);         // |p - a| with p = a + b - c
        var pb = Vector.Abs(a - c);         // |p - b|
        var pc = Vector.Abs(a + b - c - c); // |p - c|
        var chooseA = Vector.LessThanOrEqual(pa, pb) & Vector.LessThanOrEqual(pa, pc);
        var chooseB = Vector.LessThanOrEqual(pb, pc);
        return Vector.AsVectorUInt16(Vector.ConditionalSelect(chooseA, a, Vector.ConditionalSelect(chooseB, b, c)));
    }

    /// <summary>|residual| of each byte read as signed, summed into 32-bit lanes.</summary>
    static Vector<uint> Magnitudes(Vector<byte> residuals)
    {
        // |-128| wraps to -128 = 0x80, which read unsigned is the right 128
        var magnitudes = Vector.AsVectorByte(Vector.Abs(Vector.AsVectorSByte(residuals)));
        Vector.Widen(magnitudes, out var low, out var high);
        Vector.Widen(low + high, out var lowSum, out var highSum); // <= 510 per 16-bit lane: no overflow
        return lowSum + highSum;
    }
}
