using System.Numerics;
using System.Runtime.InteropServices;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// The five PNG row filters (None, Sub, Up, Average, Paeth) applied to a whole row with SIMD, and the encoder's
/// choice between them. Filtering dominated PNG writing when done pixel by pixel with a switch per byte; here each
/// filter is a straight vector loop and bytes before the first pixel count as 0, as the format says.
/// </summary>
static class RowFilters
{
    /// <summary>
    /// Writes the filter type to <paramref name="best"/>[0] and the residuals of the filter with the smallest sum of
    /// |signed residuals| (the usual heuristic; ties go to the lower type) to <paramref name="best"/>[1..].
    /// </summary>
    public static void FilterBest(ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> best, Span<byte> trial)
    {
        long bestScore = long.MaxValue;
        for (byte filter = 0; filter <= 4; filter++)
        {
            Apply(filter, row, up, stride, trial);
            long score = AbsoluteSum(trial);
            if (score >= bestScore) continue;
            bestScore = score;
            best[0] = filter;
            trial.CopyTo(best[1..]);
        }
    }

    public static void Apply(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> residuals)
    {
        switch (filter)
        {
            case 0: row.CopyTo(residuals); break;
            case 1: Sub(row, stride, residuals); break;
            case 2: Difference(row, up, residuals); break;
            case 3: Average(row, up, stride, residuals); break;
            case 4: Paeth(row, up, stride, residuals); break;
            default: throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG filter types are 0 to 4");
        }
    }

    static void Sub(ReadOnlySpan<byte> row, int stride, Span<byte> residuals)
    {
        row[..stride].CopyTo(residuals);
        Difference(row[stride..], row[..^stride], residuals[stride..]);
    }

    /// <summary>residual = value - predictor, modulo 256.</summary>
    static void Difference(ReadOnlySpan<byte> values, ReadOnlySpan<byte> predictors, Span<byte> residuals)
    {
        int i = 0;
        for (; i <= values.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            (new Vector<byte>(values[i..]) - new Vector<byte>(predictors[i..])).CopyTo(residuals[i..]);
        for (; i < values.Length; i++) residuals[i] = (byte)(values[i] - predictors[i]);
    }

    static void Average(ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> residuals)
    {
        for (int i = 0; i < stride; i++) residuals[i] = (byte)(row[i] - (up[i] >> 1));
        int n = row.Length;
        int j = stride;
        for (; j <= n - Vector<byte>.Count; j += Vector<byte>.Count)
        {
            var left = new Vector<byte>(row[(j - stride)..]);
            var above = new Vector<byte>(up[j..]);
            // floor((a + b) / 2) without leaving 8 bits: (a & b) + ((a ^ b) >> 1)
            var mean = (left & above) + Vector.ShiftRightLogical(left ^ above, 1);
            (new Vector<byte>(row[j..]) - mean).CopyTo(residuals[j..]);
        }
        for (; j < n; j++) residuals[j] = (byte)(row[j] - ((row[j - stride] + up[j]) >> 1));
    }

    static void Paeth(ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, int stride, Span<byte> residuals)
    {
        // Without a left neighbour the predictor is Paeth(0, up, 0) = up.
        Difference(row[..stride], up[..stride], residuals[..stride]);
        int n = row.Length;
        int j = stride;
        for (; j <= n - Vector<byte>.Count; j += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(row[(j - stride)..]), out var aLow, out var aHigh);
            Vector.Widen(new Vector<byte>(up[j..]), out var bLow, out var bHigh);
            Vector.Widen(new Vector<byte>(up[(j - stride)..]), out var cLow, out var cHigh);
            var predictor = Vector.Narrow(PaethPredictor(aLow, bLow, cLow), PaethPredictor(aHigh, bHigh, cHigh));
            (new Vector<byte>(row[j..]) - predictor).CopyTo(residuals[j..]);
        }
        for (; j < n; j++) residuals[j] = (byte)(row[j] - PngReader.Paeth(row[j - stride], up[j], up[j - stride]));
    }

    /// <summary>Paeth's predictor on 16-bit lanes holding bytes: the neighbour closest to left + up - upLeft.</summary>
    static Vector<ushort> PaethPredictor(Vector<ushort> left, Vector<ushort> up, Vector<ushort> upLeft)
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

    /// <summary>Sum of |residual| reading each byte as a signed value (the filter heuristic's score).</summary>
    static long AbsoluteSum(ReadOnlySpan<byte> residuals)
    {
        var signed = MemoryMarshal.Cast<byte, sbyte>(residuals);
        long sum = 0;
        int i = 0;
        var total = Vector<uint>.Zero;
        for (; i <= signed.Length - Vector<sbyte>.Count; i += Vector<sbyte>.Count)
        {
            // |-128| wraps to -128 = 0x80, which read unsigned is the right 128
            var magnitudes = Vector.AsVectorByte(Vector.Abs(new Vector<sbyte>(signed[i..])));
            Vector.Widen(magnitudes, out var low, out var high);
            Vector.Widen(low + high, out var lowSum, out var highSum); // <= 510 per 16-bit lane: no overflow
            total += lowSum + highSum;
        }
        sum += Vector.Sum(total);
        for (; i < signed.Length; i++) sum += Math.Abs((int)signed[i]);
        return sum;
    }
}
