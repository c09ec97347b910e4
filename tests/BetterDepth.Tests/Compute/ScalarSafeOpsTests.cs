using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Compute;

/// <summary>
/// Each helper against the same arithmetic done in .NET (not against the TorchSharp forms they replace, which could
/// themselves fail while other tests run in parallel).
/// </summary>
public class ScalarSafeOpsTests
{
    static readonly float[] A = [-3.5f, -1, 0, 0.25f, 2, 7.5f];
    static readonly float[] B = A.Select(v => v * 0.3f - 1).ToArray();

    static float[] Of(Tensor t) => t.data<float>().ToArray();

    static void Near(IEnumerable<double> expected, Tensor actual) =>
        Assert.All(expected.Zip(Of(actual)), p => Assert.Equal(p.First, p.Second, 1e-5));

    [Fact]
    public void ArithmeticGivesWhatTheFormulaSays()
    {
        using var scope = NewDisposeScope();
        var a = tensor(A);
        var b = tensor(B);
        Near(A.Zip(B, (x, y) => (double)x + y), a.Plus(b));
        Near(A.Select(x => x * 0.37), a.Times(0.37));
        Near(A.Select(x => x / 3.1), a.Over(3.1));
        Near(A.Select(x => x + 1.5), a.Plus(1.5));
        Near(A.Select(x => x - 1.5), a.Minus(1.5));
        Near(A.Select(x => 1.0 - x), a.SubtractedFrom(1));
        Near(A.Select(x => (double)x * x), a.Squared());
        Near(A.Select(x => Math.Clamp((double)x, -1, 2)), a.Clamped(-1, 2));
        Near(A.Select(x => Math.Max((double)x, 0.1)), a.AtLeast(0.1));
        Near(A.Select(x => Math.Min((double)x, 0.1)), a.ClampedAbove(0.1));
        Assert.Equal(A.Select(x => x > 0.1), a.Greater(0.1).data<bool>().ToArray());
        Near(A.Zip(B, (x, y) => x * 2.5 + 0.5 * y), a.clone().TimesInPlace(2.5).PlusScaledInPlace(b, 0.5));
        Near(A.Zip(B, (x, y) => (double)x + y), a.clone().PlusInPlace(b));
        Near(A.Select(x => x / 4.0), a.clone().OverInPlace(4));
        Near(A.Select(x => x + 1.5), a.clone().PlusInPlace(1.5));
        Near(A.Zip(B, (x, y) => x + 0.5 * x * y), a.clone().PlusScaledProductInPlace(a, b, 0.5));
        Near(A.Zip(B, (x, y) => x - 0.5 * x / y), a.clone().PlusScaledQuotientInPlace(a, b, -0.5));
        Assert.Equal([500L, 500L, 500L], ScalarSafeOps.Filled([3], 500L, ScalarType.Int64, CPU).data<long>().ToArray());
        Assert.Equal([0f, 1, 2, 3, 4], Of(ScalarSafeOps.Range(5, CPU)));
    }

    /// <summary>log(1 + e^x) to float precision, x itself above the threshold, and a finite gradient where e^x overflows.</summary>
    [Fact]
    public void SoftplusIsLogOnePlusExpWithFiniteGradients()
    {
        using var scope = NewDisposeScope();
        var xs = Enumerable.Range(0, 3001).Select(i => -30f + i * 0.05f).ToArray();
        var x = tensor(xs).requires_grad_();
        var y = x.Softplus();
        var actual = Of(y.detach());
        for (int i = 0; i < xs.Length; i++)
        {
            double expected = xs[i] > 20 ? xs[i] : Math.Log(1 + Math.Exp(xs[i]));
            Assert.True(Math.Abs(actual[i] - expected) <= 4e-7 * Math.Max(1e-3, expected), $"softplus({xs[i]}) = {actual[i]}, expected {expected}");
        }
        y.sum().backward();
        Assert.All(Of(x.grad!), g => Assert.True(float.IsFinite(g) && g >= 0 && g <= 1, $"gradient {g}"));
    }
}
