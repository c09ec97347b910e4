using System.Numerics;

namespace BetterDepth.Imaging;

/// <summary>Finding NaN before a map is written: a vector compare per register, since every written map is scanned.</summary>
internal static class NaNScan
{
    /// <summary>Index of the first NaN, or -1. NaN is the only value that is not equal to itself.</summary>
    public static int IndexOfNaN(ReadOnlySpan<float> values)
    {
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(values[i..]);
            if (!Vector.EqualsAll(v, v)) break; // the NaN is in this register; the scalar loop below finds it
        }
        for (; i < values.Length; i++) if (float.IsNaN(values[i])) return i;
        return -1;
    }
}
