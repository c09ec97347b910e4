using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Compute;

/// <summary>
/// Tensor arithmetic with numbers, and tensor + tensor, that keep their TorchSharp <see cref="Scalar"/> alive for the
/// whole native call. TorchSharp hands libtorch a Scalar's raw handle and lets the object go, so a temporary one (every
/// implicit number-to-Scalar conversion, and the alpha = 1 that <c>Tensor.add(Tensor)</c> makes up) can be finalised by
/// a collection that another thread starts while libtorch still reads it: the call then fails with "Expected false to
/// be true" from c10::Scalar::toFloat, or reads freed memory. <c>predict</c> writes one image while refining the next
/// and progress bars redraw on their own thread, so that collection does come. Here every Scalar is a rooted constant,
/// or is disposed after the call, which keeps it reachable until then. ScalarSafetyTests scans the library's IL for
/// the unsafe forms.
/// </summary>
internal static class ScalarSafeOps
{
    static readonly Scalar One = 1.ToScalar();

    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a + alpha * b, in place (one kernel, as torch's add_ with alpha).</summary>
    public static Tensor PlusScaledInPlace(this Tensor a, Tensor b, double alpha)
    {
        using var s = alpha.ToScalar();
        return a.add_(b, s);
    }

    /// <summary>a + value * t1 * t2, in place (torch's addcmul_).</summary>
    public static Tensor PlusScaledProductInPlace(this Tensor a, Tensor t1, Tensor t2, double value)
    {
        using var s = value.ToScalar();
        return a.addcmul_(t1, t2, s);
    }

    /// <summary>a + value * t1 / t2, in place (torch's addcdiv_).</summary>
    public static Tensor PlusScaledQuotientInPlace(this Tensor a, Tensor t1, Tensor t2, double value)
    {
        using var s = value.ToScalar();
        return a.addcdiv_(t1, t2, s);
    }

    /// <summary>op(a, the Scalar of k), the Scalar freed after the call and so kept alive through it.</summary>
    static Tensor WithScalar(Tensor a, double k, Func<Tensor, Scalar, Tensor> op)
    {
        using var s = k.ToScalar();
        return op(a, s);
    }

    public static Tensor Plus(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.add(s, One));

    public static Tensor PlusInPlace(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.add_(s, One));

    public static Tensor Minus(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.sub(s));

    /// <summary>k - a.</summary>
    public static Tensor SubtractedFrom(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.neg().add_(s, One));

    public static Tensor Times(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.mul(s));

    public static Tensor TimesInPlace(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.mul_(s));

    public static Tensor Over(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.div(s));

    public static Tensor OverInPlace(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.div_(s));

    public static Tensor Squared(this Tensor a) => a.mul(a);

    public static Tensor Power(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.pow(s));

    public static Tensor Greater(this Tensor a, double k) => WithScalar(a, k, static (t, s) => t.gt(s));

    public static Tensor Clamped(this Tensor a, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return a.clamp(low, high);
    }

    public static Tensor AtLeast(this Tensor a, double min) => WithScalar(a, min, static (t, s) => t.clamp_min(s));

    public static Tensor ClampedAbove(this Tensor a, double max) => WithScalar(a, max, static (t, s) => t.clamp_max(s));

    /// <summary>
    /// torch.nn.functional.softplus with beta 1: log(1 + e^x), and x itself above <paramref name="threshold"/> where the
    /// two agree in float. The exponential sees x clamped to the threshold, so the branch not taken never overflows
    /// and cannot send NaN through the backward pass.
    /// </summary>
    public static Tensor Softplus(this Tensor x, double threshold = 20)
    {
        using var scope = NewDisposeScope();
        var smooth = x.ClampedAbove(threshold).exp().log1p();
        return where(x.Greater(threshold), x, smooth).MoveToOuterDisposeScope();
    }

    /// <summary>A tensor of one integer value (timesteps, for instance).</summary>
    public static Tensor Filled(long[] shape, long value, ScalarType dtype, Device device)
    {
        using var s = value.ToScalar();
        return full(shape, s, dtype: dtype, device: device);
    }

    /// <summary>0, 1, ..., count - 1 as float32, built without Scalars.</summary>
    public static Tensor Range(int count, Device device) =>
        tensor(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), device: device);
}
