using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

public class PriorLayoutTests
{
    const int W = 96, H = 64;

    static DepthMap Map(Func<int, int, double> f, DepthKind kind = DepthKind.AffineDisparity)
    {
        var v = new float[W * H];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) v[y * W + x] = (float)f(x, y);
        return new DepthMap(W, H, kind, v);
    }

    static double Layout(int x, int y) => 0.3 + 0.5 * y / H + 0.1 * Math.Sin(x / 20.0);
    static double Detail(int x, int y) => x % 12 < 2 ? 0.2 : 0;          // thin poles, 2 px wide
    static double Drift(int x, int _) => 0.15 * x / W;                    // a slow tilt the prior does not have

    /// <summary>RMS error after the least-squares scale and shift to the truth: both maps are affine-invariant.</summary>
    static double Rms(DepthMap a, Func<int, int, double> f)
    {
        double n = W * H, sa = 0, st = 0, saa = 0, sat = 0;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++)
        {
            double v = a.Values[y * W + x], t = f(x, y);
            sa += v; st += t; saa += v * v; sat += v * t;
        }
        double scale = (n * sat - sa * st) / (n * saa - sa * sa), shift = (st - scale * sa) / n, s = 0;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) s += Math.Pow(scale * a.Values[y * W + x] + shift - f(x, y), 2);
        return Math.Sqrt(s / n);
    }

    [Fact]
    public void TheRefinersDriftGoesAndItsThinStructuresStay()
    {
        var prior = Map(Layout);                                             // the layout, without the poles
        var refined = Map((x, y) => 0.5 * (Layout(x, y) + Detail(x, y) + Drift(x, y)) + 0.1);  // another affine scale
        var fused = PriorLayout.Fuse(refined, prior, sigma: 8);
        double Truth(int x, int y) => Layout(x, y) + Detail(x, y);
        Assert.True(Rms(fused, Truth) < 0.4 * Rms(refined, Truth), $"{Rms(fused, Truth)} vs {Rms(refined, Truth)}");
        // the poles' contrast survives: a pole pixel against its neighbour 4 px away
        for (int y = 10; y < H - 10; y += 9)
            Assert.True(fused.Values[y * W + 36] - fused.Values[y * W + 40] > 0.08);
        Assert.Equal((W, H, DepthKind.AffineDisparity), (fused.Width, fused.Height, fused.Kind));
    }

    [Fact]
    public void AMapThatIsAnAffineCopyOfThePriorIsLeftAsItIs()
    {
        var prior = Map(Layout);
        var refined = Map((x, y) => 2 * Layout(x, y) - 0.3);
        var fused = PriorLayout.Fuse(refined, prior, sigma: 4);
        for (int i = 0; i < fused.Values.Length; i++) Assert.Equal(refined.Values[i], fused.Values[i], 1e-4);
    }

    [Fact]
    public void MetricDepthPriorsAreUsedAsDisparityAndNonFinitePixelsAreIgnored()
    {
        var prior = Map((x, y) => y == 5 ? double.NaN : 1 / Layout(x, y), DepthKind.Depth);
        var refined = Map((x, y) => Layout(x, y) + Drift(x, y));
        var fused = PriorLayout.Fuse(refined, prior, sigma: 8);
        Assert.All(fused.Values, v => Assert.True(float.IsFinite(v)));
        Assert.True(Rms(fused, Layout) < 0.4 * Rms(refined, Layout));
        var flat = Map((_, _) => 0.5);
        Assert.Same(flat, PriorLayout.Fuse(flat, prior, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => PriorLayout.Fuse(refined, prior, 0));
    }
}
