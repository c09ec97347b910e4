using System.Numerics;

namespace BetterDepth.Imaging;

/// <summary>
/// The writers' per-pixel loops in SIMD, each giving what its scalar definition gives, bit for bit (the tail of every
/// span runs that definition itself, and the tests compare the two on every kind of value). They run over every pixel
/// of every written map, where plain loops were a visible share of writing a 16-bit PNG (see bench/README.md).
/// Double-precision steps stay in double lanes, so no rounding differs from the scalar code.
/// </summary>
static class PixelKernels
{
    /// <summary>
    /// The smallest and largest value that is finite and, with <paramref name="positiveOnly"/>, above 0;
    /// (+inf, -inf) when there is none. (A zero found may come back as -0 or +0.)
    /// </summary>
    public static (float Min, float Max) FiniteRange(ReadOnlySpan<float> values, bool positiveOnly = false)
    {
        var lows = new Vector<float>(float.PositiveInfinity);
        var highs = new Vector<float>(float.NegativeInfinity);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(values[i..]);
            var usable = Usable(v, positiveOnly);
            lows = Vector.Min(lows, Vector.ConditionalSelect(usable, v, new Vector<float>(float.PositiveInfinity)));
            highs = Vector.Max(highs, Vector.ConditionalSelect(usable, v, new Vector<float>(float.NegativeInfinity)));
        }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            min = Math.Min(min, lows[lane]);
            max = Math.Max(max, highs[lane]);
        }
        for (; i < values.Length; i++)
        {
            float v = values[i];
            if (!IsUsable(v, positiveOnly)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    /// <summary>Finite and, if asked, above 0: the values a range or a colour level is taken of.</summary>
    public static bool IsUsable(float v, bool positiveOnly) => float.IsFinite(v) && (!positiveOnly || v > 0);

    static Vector<int> Usable(Vector<float> v, bool positiveOnly)
    {
        var finite = Finite(v);
        return positiveOnly ? finite & Vector.GreaterThan(v, Vector<float>.Zero) : finite;
    }

    /// <summary>Lanes that are neither infinite nor NaN: x - x is 0 only for finite x.</summary>
    public static Vector<int> Finite(Vector<float> v) => Vector.Equals(v - v, Vector<float>.Zero);

    /// <summary>16-bit values known to fit in a byte (8-bit samples, palette levels) narrowed to bytes.</summary>
    public static void NarrowToBytes(ReadOnlySpan<ushort> values, Span<byte> bytes)
    {
        if (bytes.Length != values.Length) throw new ArgumentException("one byte per value", nameof(bytes));
        int i = 0;
        for (; i <= values.Length - 2 * Vector<ushort>.Count; i += 2 * Vector<ushort>.Count)
            Vector.Narrow(new Vector<ushort>(values[i..]), new Vector<ushort>(values[(i + Vector<ushort>.Count)..])).CopyTo(bytes[i..]);
        for (; i < values.Length; i++) bytes[i] = (byte)values[i];
    }

    /// <summary>
    /// 16-bit fixed point: round(v * unitsPerValue) half up and clamped to 65535; 0 below half a unit and for NaN and
    /// +inf (the PNG's "invalid").
    /// </summary>
    public static void Quantize16(ReadOnlySpan<float> values, double unitsPerValue, Span<ushort> units)
    {
        if (units.Length != values.Length) throw new ArgumentException("one unit per value", nameof(units));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(unitsPerValue);
            for (; i <= values.Length - 2 * Vector<float>.Count; i += 2 * Vector<float>.Count)
            {
                var first = Units(new Vector<float>(values[i..]), scale);
                var second = Units(new Vector<float>(values[(i + Vector<float>.Count)..]), scale);
                Vector.Narrow(first, second).CopyTo(units[i..]);
            }
        }
        for (; i < values.Length; i++) units[i] = Unit(values[i] * unitsPerValue);
    }

    /// <summary>The scalar definition (comparisons rather than Math.Round and Math.Clamp: it runs per pixel).</summary>
    static ushort Unit(double v) =>
        !(v >= 0.5) ? (ushort)0                  // below half a unit, negative or NaN
        : v < 65534.5 ? (ushort)(v + 0.5)        // v + 0.5 >= 1: truncation is floor, so this rounds half up
        : double.IsPositiveInfinity(v) ? (ushort)0 : ushort.MaxValue;

    static Vector<uint> Units(Vector<float> values, Vector<double> scale)
    {
        Vector.Widen(values, out var low, out var high);
        // whole numbers below 65536 are exact in float, so the conversion back to integers goes through float lanes
        var units = Vector.Narrow(Units(low * scale), Units(high * scale));
        return Vector.AsVectorUInt32(Vector.ConvertToInt32(units));
    }

    static Vector<double> Units(Vector<double> v)
    {
        var half = new Vector<double>(0.5);
        var rounded = Vector.Floor(v + half);
        var inRange = Vector.GreaterThanOrEqual(v, half) & Vector.LessThan(v, new Vector<double>(65534.5));
        var saturated = Vector.GreaterThanOrEqual(v, new Vector<double>(65534.5)) & ~Vector.Equals(v, new Vector<double>(double.PositiveInfinity));
        return Vector.ConditionalSelect(inRange, rounded, Vector.ConditionalSelect(saturated, new Vector<double>(ushort.MaxValue), Vector<double>.Zero));
    }

    /// <summary>
    /// Colour levels: 0 where a value is unusable (not finite, or not positive with <paramref name="positiveOnly"/>), else 1 + the position of (v - lo) * scale rounded half
    /// up and clamped to 0..levelCount - 1, the difference taken in float and the rest in double, as the scalar code.
    /// </summary>
    public static void Levels(ReadOnlySpan<float> values, float lo, double scale, int levelCount, bool positiveOnly, Span<ushort> levels)
    {
        if (levels.Length != values.Length) throw new ArgumentException("one level per value", nameof(levels));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var low = new Vector<float>(lo);
            var scales = new Vector<double>(scale);
            var top = new Vector<double>(levelCount - 1);
            for (; i <= values.Length - 2 * Vector<float>.Count; i += 2 * Vector<float>.Count)
            {
                var first = LevelsOf(new Vector<float>(values[i..]), low, scales, top, positiveOnly);
                var second = LevelsOf(new Vector<float>(values[(i + Vector<float>.Count)..]), low, scales, top, positiveOnly);
                Vector.Narrow(first, second).CopyTo(levels[i..]);
            }
        }
        for (; i < values.Length; i++) levels[i] = IsUsable(values[i], positiveOnly) ? Level(values[i], lo, scale, levelCount) : (ushort)0;
    }

    /// <summary>The scalar definition for one usable value.</summary>
    public static ushort Level(float v, float lo, double scale, int levelCount)
    {
        double position = (v - lo) * scale + 0.5; // + 0.5 then truncation rounds half up
        return (ushort)(1 + (position <= 0 ? 0 : position >= levelCount - 1 ? levelCount - 1 : (int)position));
    }

    static Vector<uint> LevelsOf(Vector<float> v, Vector<float> lo, Vector<double> scale, Vector<double> top, bool positiveOnly)
    {
        Vector.Widen(v - lo, out var low, out var high);
        var positions = Vector.Narrow(Position(low, scale, top), Position(high, scale, top));
        var levels = Vector.ConvertToInt32(positions) + Vector<int>.One;
        return Vector.AsVectorUInt32(Vector.ConditionalSelect(Usable(v, positiveOnly), levels, Vector<int>.Zero));
    }

    /// <summary>floor(d * scale + 0.5) clamped to 0..top: for positions above 0 that is the scalar truncation.</summary>
    static Vector<double> Position(Vector<double> difference, Vector<double> scale, Vector<double> top) =>
        Vector.Min(Vector.Max(Vector.Floor(difference * scale + new Vector<double>(0.5)), Vector<double>.Zero), top);
}
