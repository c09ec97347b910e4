using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BetterDepth.Imaging.Png;

/// <summary>
/// The decoder's side: residuals back to values, in place. Decoding a photo is mostly this (Paeth rows above all), so
/// each filter has its own loop: Up in SIMD, the first pixel of a row apart so the rest needs no "is there a left
/// neighbour" test, and Paeth's choice made with conditional moves, because as branches it would follow the image
/// content and be mispredicted often.
/// </summary>
static partial class RowFilters
{
    /// <summary>
    /// Replaces the residuals in <paramref name="row"/> by values; <paramref name="up"/> is the row above, already
    /// decoded (zeros above the first row). False for a filter type that does not exist.
    /// </summary>
    public static bool TryUndo(byte filter, Span<byte> row, ReadOnlySpan<byte> up, int stride)
    {
        if (up.Length < row.Length) throw new ArgumentException("the row above is shorter than the row", nameof(up));
        int n = row.Length, first = Math.Min(stride, n);
        ref byte x = ref MemoryMarshal.GetReference(row);
        ref byte b = ref MemoryMarshal.GetReference(up);
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (int i = first; i < n; i++) Unsafe.Add(ref x, i) += Unsafe.Add(ref x, i - stride);
                return true;
            case 2:
                int j = 0;
                for (; j <= n - Vector<byte>.Count; j += Vector<byte>.Count)
                    (new Vector<byte>(row[j..]) + new Vector<byte>(up[j..])).CopyTo(row[j..]);
                for (; j < n; j++) Unsafe.Add(ref x, j) += Unsafe.Add(ref b, j);
                return true;
            case 3:
                for (int i = 0; i < first; i++) Unsafe.Add(ref x, i) += (byte)(Unsafe.Add(ref b, i) >> 1);
                for (int i = first; i < n; i++)
                    Unsafe.Add(ref x, i) += (byte)((Unsafe.Add(ref x, i - stride) + Unsafe.Add(ref b, i)) >> 1);
                return true;
            case 4:
                // no left neighbour: left = upLeft = 0, and Paeth's predictor is the byte above
                for (int i = 0; i < first; i++) Unsafe.Add(ref x, i) += Unsafe.Add(ref b, i);
                int done = stride is 3 or 4 && n >= stride + 4 && Vector128.IsHardwareAccelerated ? UndoPaethByPixel(row, up, stride) : first;
                for (int i = done; i < n; i++)
                    Unsafe.Add(ref x, i) += Paeth(Unsafe.Add(ref x, i - stride), Unsafe.Add(ref b, i), Unsafe.Add(ref b, i - stride));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Paeth for 8-bit RGB and RGBA (photos), one pixel per step with its channels in 16-bit lanes: each pixel needs
    /// its left neighbour's decoded value, so SIMD cannot run along the row, but it can take the channels together.
    /// Starts at the second pixel (the first is decoded) and returns where it stopped: each step reads four bytes,
    /// so the last pixel is left to the scalar loop, and rows shorter than stride + 4 bytes must not come here.
    /// </summary>
    static int UndoPaethByPixel(Span<byte> row, ReadOnlySpan<byte> up, int stride)
    {
        ref byte x = ref MemoryMarshal.GetReference(row);
        ref byte above = ref MemoryMarshal.GetReference(up);
        uint mask = stride == 3 ? 0xFFFFFFu : 0xFFFFFFFFu;
        var a = Pixel(ref x, mask);
        var c = Pixel(ref above, mask);
        int i = stride;
        for (; i + 4 <= row.Length; i += stride)
        {
            var b = Pixel(ref Unsafe.Add(ref above, i), mask);
            var pa = Vector128.Abs(b - c);
            var pb = Vector128.Abs(a - c);
            var pc = Vector128.Abs(a + b - c - c);
            var predictor = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc), a,
                Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pb, pc), b, c));
            var value = (Pixel(ref Unsafe.Add(ref x, i), mask) + predictor) & Vector128.Create((short)0xFF);
            uint bytes = Vector128.Narrow(value.AsUInt16(), value.AsUInt16()).AsUInt32().ToScalar();
            // three bytes for RGB: the fourth is the next pixel's residual, still to be decoded
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref x, i), (ushort)bytes);
            Unsafe.Add(ref x, i + 2) = (byte)(bytes >> 16);
            if (stride == 4) Unsafe.Add(ref x, i + 3) = (byte)(bytes >> 24);
            a = value;
            c = b;
        }
        return i;
    }

    /// <summary>The bytes of one pixel (<paramref name="mask"/> keeps its channels) widened to 16-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<short> Pixel(ref byte first, uint mask) =>
        Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref first) & mask).AsByte()).AsInt16();

    /// <summary>
    /// Paeth's predictor from left a, up b and up-left c: the neighbour closest to a + b - c (ties: left, then up),
    /// chosen with conditional moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static byte Paeth(int a, int b, int c)
    {
        int pa = Abs(b - c), pb = Abs(a - c), pc = Abs(a + b - c - c);
        int upOrUpLeft = pb <= pc ? b : c;
        return (byte)(pa <= pb & pa <= pc ? a : upOrUpLeft);
    }

    /// <summary>|v| without Math.Abs's overflow check (v is a small difference of bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Abs(int v)
    {
        int sign = v >> 31;
        return (v ^ sign) - sign;
    }
}
