using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;

namespace BetterDepth.Tests.Imaging;

/// <summary>
/// The writers' SIMD loops (range, 16-bit quantisation, colour levels) against their plain definitions, written out
/// here, on every kind of value: NaN, both infinities, both zeros, negatives, exact rounding ties, the 16-bit ceiling,
/// at lengths that leave a scalar tail.
/// </summary>
public class PixelKernelTests
{
    /// <summary>17 x 59 = 1003 values: specials first, then random values over a wide range.</summary>
    static float[] Values(int seed, double unitsPerValue)
    {
        var random = new Random(seed);
        var values = new List<float>
        {
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1f, float.Epsilon, float.MaxValue,
            (float)(0.5 / unitsPerValue), (float)(1.5 / unitsPerValue), (float)(2.5 / unitsPerValue), (float)(0.4999 / unitsPerValue),
            (float)(65534.5 / unitsPerValue), (float)(65534.49 / unitsPerValue), (float)(65535 / unitsPerValue), (float)(70000 / unitsPerValue),
        };
        while (values.Count < 17 * 59)
            values.Add(random.Next(10) == 0 ? (float)((random.Next(4000) + 0.5) / unitsPerValue) // a tie
                : (float)((random.NextDouble() * 1.2 - 0.1) * 65535 / unitsPerValue));
        // shuffle so specials land in vector lanes as well as in the tail
        return [.. values.OrderBy(_ => random.Next())];
    }

    [Theory]
    [InlineData(1000.0)] [InlineData(65535.0)] [InlineData(256.0)]
    public void Png16QuantisationIsTheScalarDefinition(double unitsPerValue)
    {
        var values = Values(3, unitsPerValue);
        var path = Path.Combine(TestData.NewTempDir(), "q.png");
        DepthFile.WritePng16(path, new DepthMap(17, 59, DepthKind.Depth, values), unitsPerValue);
        var samples = PngReader.Read(path).Samples;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i] * unitsPerValue;
            ushort expected = !(v >= 0.5) ? (ushort)0 : v < 65534.5 ? (ushort)Math.Floor(v + 0.5) : double.IsPositiveInfinity(v) ? (ushort)0 : ushort.MaxValue;
            Assert.True(expected == samples[i], $"value {values[i]:R} (x {unitsPerValue}): expected {expected}, got {samples[i]}");
        }
    }

    [Theory]
    [InlineData(DepthKind.AffineDisparity, null, null)]
    [InlineData(DepthKind.Depth, null, null)]
    [InlineData(DepthKind.Disparity, 0.5f, 40f)]
    [InlineData(DepthKind.AffineDepth, -3f, null)]
    [InlineData(DepthKind.AffineDisparity, 0f, 254f)] // scale 1: the half-integers below are exact ties
    public void ColourLevelsAreTheScalarDefinition(DepthKind kind, float? min, float? max)
    {
        var values = Values(5, 1000);
        var random = new Random(7);
        for (int k = 0; k < 200; k++) values[random.Next(values.Length)] = k + 0.5f;
        var indices = ColorMaps.ColorizeIndexed(new DepthMap(17, 59, kind, values), ColorMap.Spectral, min, max).Indices;
        bool metric = kind is DepthKind.Depth or DepthKind.Disparity;
        bool Usable(float v) => float.IsFinite(v) && (!metric || v > 0);
        float lo = min ?? values.Where(Usable).Min(), hi = max ?? values.Where(Usable).Max();
        double scale = 254 / (double)(hi - lo);
        for (int i = 0; i < values.Length; i++)
        {
            int expected = 0;
            if (Usable(values[i]))
            {
                double position = (values[i] - lo) * scale + 0.5;
                expected = 1 + (position <= 0 ? 0 : position >= 254 ? 254 : (int)Math.Floor(position));
            }
            Assert.True(expected == indices[i], $"value {values[i]:R}: expected level {expected}, got {indices[i]}");
        }
    }

    [Fact]
    public void AMapWithoutUsablePixelsIsAllInvalid()
    {
        var values = Enumerable.Range(0, 67).Select(i => i % 2 == 0 ? float.NaN : -1f).ToArray();
        Assert.All(ColorMaps.ColorizeIndexed(new DepthMap(67, 1, DepthKind.Depth, values)).Indices, index => Assert.Equal(0, index));
    }
}
