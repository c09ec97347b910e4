using BetterDepth.Geometry;

namespace BetterDepth.Tests.Geometry;

public class QuantileNormalizationTests
{
    [Fact]
    public void QuantilesInterpolateLikeTorch()
    {
        // 1..101: the 2% quantile sits at position 0.02*100 = 2 -> value 3; 98% at 98 -> value 99.
        var values = Enumerable.Range(1, 101).Select(v => (float)v).ToArray();
        var (normalized, low, high) = QuantileNormalization.Normalize(new DepthMap(101, 1, DepthKind.AffineDepth, values), null);
        Assert.Equal(3.0, low, 12);
        Assert.Equal(99.0, high, 12);
        Assert.Equal(DepthKind.Normalized, normalized.Kind);
        Assert.Equal(-1f, normalized.Values[0]);            // 1 is below the low quantile: clipped
        Assert.Equal(-1f, normalized.Values[2]);            // 3 -> -1
        Assert.Equal(0f, normalized.Values[50], 6);         // 51 -> midpoint
        Assert.Equal(1f, normalized.Values[100]);           // clipped
        // between order statistics: 4 values 0..3 -> q=0.5 at position 1.5 -> 1.5
        Assert.Equal(1.5, QuantileNormalization.Quantile([0, 1, 2, 3], 0.5), 12);
    }

    [Fact]
    public void InvalidPixelsGoToTheFarPlane()
    {
        float[] v = [0, 1, 2, 3, 4, 5];
        bool[] valid = [true, true, true, true, true, false];
        var (depth, _, _) = QuantileNormalization.Normalize(new DepthMap(6, 1, DepthKind.AffineDepth, (float[])v.Clone()), valid, 0, 1);
        Assert.Equal(1f, depth.Values[0]);   // value 0 is not > 0: invalid, far = +1 for depth
        Assert.Equal(-1f, depth.Values[1]);
        Assert.Equal(1f, depth.Values[4]);
        Assert.Equal(1f, depth.Values[5]);
        var (disparity, _, _) = QuantileNormalization.Normalize(new DepthMap(6, 1, DepthKind.AffineDisparity, (float[])v.Clone()), valid, 0, 1);
        Assert.Equal(-1f, disparity.Values[0]); // far = small disparity = -1
        Assert.Equal(-1f, disparity.Values[5]);
        Assert.Equal(1f / 3f * 2 - 1, disparity.Values[2], 6);
    }

    [Fact]
    public void RoundTripRestoresValuesInsideTheQuantileRange()
    {
        var rng = new Random(7);
        var values = Enumerable.Range(0, 64 * 48).Select(_ => 0.5f + 9.5f * (float)rng.NextDouble()).ToArray();
        var map = new DepthMap(64, 48, DepthKind.Depth, values);
        var (normalized, low, high) = QuantileNormalization.Normalize(map, null);
        Assert.All(normalized.Values, v => Assert.InRange(v, -1f, 1f));
        var back = QuantileNormalization.Denormalize(normalized, low, high, DepthKind.Depth);
        Assert.Equal(DepthKind.Depth, back.Kind);
        int inside = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < low || values[i] > high) { Assert.Equal(Math.Clamp(values[i], low, high), back.Values[i], 3); continue; }
            Assert.Equal(values[i], back.Values[i], 4);
            inside++;
        }
        Assert.InRange(inside, values.Length * 0.95, values.Length * 0.97);
    }

    [Fact]
    public void RejectsDegenerateInput()
    {
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Normalize(new DepthMap(3, 1, DepthKind.Depth, [2, 2, 2]), null));
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Normalize(new DepthMap(2, 1, DepthKind.Depth, [0, -1]), null));
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Normalize(new DepthMap(2, 1, DepthKind.Depth, [1, float.PositiveInfinity]), null));
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Normalize(new DepthMap(2, 1, DepthKind.Depth, [1, 2]), [true]));
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Normalize(new DepthMap(2, 1, DepthKind.Depth, [1, 2]), null, 0.5, 0.4));
        Assert.Throws<ArgumentException>(() => QuantileNormalization.Denormalize(new DepthMap(1, 1, DepthKind.Normalized, [0]), 2, 1));
    }
}
