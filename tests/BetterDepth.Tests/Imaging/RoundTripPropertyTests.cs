using BetterDepth.Imaging;
using CsCheck;

namespace BetterDepth.Tests.Imaging;

/// <summary>
/// Property-based round trips (CsCheck, shrinking to the smallest failing map): any DepthMap written as NPY or PFM reads
/// back bit for bit; as a 16-bit PNG it reads back as the writer's documented quantisation (round half up of
/// value x units-per-value, clamped to 0..65535, below half a unit, NaN and +inf as 0 = invalid), so within half a step of
/// every representable value; and any RGB image round trips through PNG exactly. Sizes cover the writers' SIMD loops and
/// their scalar tails.
/// </summary>
public class RoundTripPropertyTests
{
    const int Iterations = 150;

    /// <summary>Any finite float: every bit pattern (subnormals, -0, the extremes) plus ordinary magnitudes.</summary>
    static readonly Gen<float> Finite = Gen.OneOf(
        Gen.Int.Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite),
        Gen.Float[-1000f, 1000f],
        Gen.OneOf(0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-30f));

    static Gen<DepthMap> Maps(Gen<float> values) =>
        from w in Gen.Int[1, 37]
        from h in Gen.Int[1, 23]
        from v in values.Array[w * h]
        from kind in Gen.OneOf(DepthKind.Depth, DepthKind.Disparity)
        select new DepthMap(w, h, kind, v);

    static string Describe(DepthMap m) => $"{m.Width}x{m.Height} [{string.Join(", ", m.Values.Take(12).Select(v => v.ToString("R")))}{(m.PixelCount > 12 ? ", ..." : "")}]";

    static string TempFile(string extension) => Path.Combine(TestData.NewTempDir("prop"), "map" + extension);

    static void AssertBitwiseEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"value {i}: wrote {expected[i]:R}, read {actual[i]:R}");
    }

    [Fact]
    public void NpyRoundTripsEveryFiniteMapExactly() => Maps(Finite).Sample(map =>
    {
        var path = TempFile(".npy");
        DepthFile.WriteNpy(path, map);
        var back = DepthFile.ReadNpy(path, map.Kind);
        Assert.Equal((map.Width, map.Height), (back.Width, back.Height));
        AssertBitwiseEqual(map.Values, back.Values);
    }, iter: Iterations, print: Describe);

    [Fact]
    public void PfmRoundTripsEveryFiniteMapExactly() => Maps(Finite).Sample(map =>
    {
        var path = TempFile(".pfm");
        DepthFile.WritePfm(path, map);
        var back = DepthFile.ReadPfm(path, map.Kind);
        Assert.Equal((map.Width, map.Height), (back.Width, back.Height));
        AssertBitwiseEqual(map.Values, back.Values);
    }, iter: Iterations, print: Describe);

    [Fact]
    public void PfmReadsPositiveInfinityAsNoData() =>
        Maps(Gen.OneOf(Finite, Gen.Const(float.PositiveInfinity))).Sample(map =>
        {
            var path = TempFile(".pfm");
            DepthFile.WritePfm(path, map);
            var back = DepthFile.ReadPfm(path, map.Kind);
            AssertBitwiseEqual(map.Values.Select(v => float.IsPositiveInfinity(v) ? 0f : v).ToArray(), back.Values);
        }, iter: Iterations, print: Describe);

    /// <summary>The writer's mapping, from DepthFile.WritePng16's contract, written out independently of PixelKernels.</summary>
    static ushort ExpectedUnit(float value, double unitsPerValue)
    {
        double u = value * unitsPerValue;
        if (double.IsNaN(u) || u < 0.5 || double.IsPositiveInfinity(u)) return 0;
        return u >= 65534.5 ? ushort.MaxValue : (ushort)Math.Floor(u + 0.5);
    }

    [Fact]
    public void Png16ReadsBackWithinOneQuantisationStep()
    {
        // Values around the representable range of each scale, plus anything at all (negative, huge, NaN, infinities).
        var cases =
            from unitsPerValue in Gen.OneOf(Gen.OneOf(1.0, 256.0, 1000.0, 100.0 / 3), Gen.Double[0.01, 20000.0])
            from map in Maps(Gen.OneOf(
                Gen.Double[0.0, 65535.0 * 1.01].Select(u => (float)(u / unitsPerValue)),
                Gen.Double[0.0, 2.0].Select(u => (float)(Math.Round(u * 4) / 4 / unitsPerValue)), // half-unit ties
                Finite, Gen.Float.Special))
            select (unitsPerValue, map);
        cases.Sample(c =>
        {
            var (unitsPerValue, map) = c;
            var path = TempFile(".png");
            DepthFile.WritePng16(path, map, unitsPerValue);
            var metresPerUnit = 1.0 / unitsPerValue;
            var back = DepthFile.ReadPng16(path, metresPerUnit, map.Kind);
            Assert.Equal((map.Width, map.Height), (back.Width, back.Height));
            for (int i = 0; i < map.PixelCount; i++)
            {
                float v = map.Values[i], read = back.Values[i];
                var unit = ExpectedUnit(v, unitsPerValue);
                Assert.True((float)(unit * metresPerUnit) == read, $"pixel {i}: {v:R} x {unitsPerValue:R} should be unit {unit}, read {read:R}");
                double u = v * unitsPerValue;
                if (u >= 0.5 && u < 65534.5) // representable: within half a step, plus float rounding of the value read
                    Assert.True(Math.Abs(read - (double)v) <= 0.5 * metresPerUnit + 1e-6 * Math.Abs(v),
                        $"pixel {i}: {v:R} read back as {read:R}, more than half a step ({0.5 * metresPerUnit:R}) away");
            }
        }, iter: Iterations, print: c => $"units/value {c.unitsPerValue:R}, {Describe(c.map)}");
    }

    [Fact]
    public void RgbPngRoundTripsExactly()
    {
        var images =
            from w in Gen.Int[1, 41]
            from h in Gen.Int[1, 29]
            from data in Gen.Byte.Array[w * h * 3]
            select new RgbImage(w, h, data);
        images.Sample(image =>
        {
            var path = TempFile(".png");
            ImageFile.WritePng(path, image);
            var back = ImageFile.ReadRgb(path);
            Assert.Equal((image.Width, image.Height), (back.Width, back.Height));
            Assert.Equal(image.Data, back.Data);
        }, iter: Iterations, print: i => $"{i.Width}x{i.Height}");
    }
}
