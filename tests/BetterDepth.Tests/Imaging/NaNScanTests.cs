using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class NaNScanTests
{
    /// <summary>Every position of a 70-value array (whole registers and a scalar tail), two NaNs, any NaN bit pattern.</summary>
    [Fact]
    public void FindsTheFirstNaNAtEveryPositionAndIgnoresInfinities()
    {
        var nans = new[] { float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7f800001), BitConverter.Int32BitsToSingle(unchecked((int)0xffc12345)) };
        for (int n = 0; n <= 70; n++)
        {
            var values = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? float.PositiveInfinity : i % 3 == 1 ? float.NegativeInfinity : i * 0.5f).ToArray();
            Assert.Equal(-1, NaNScan.IndexOfNaN(values));
            for (int at = 0; at < n; at++)
            {
                var copy = (float[])values.Clone();
                copy[at] = nans[at % nans.Length];
                if (at + 9 < n) copy[at + 9] = float.NaN; // a later NaN does not win
                Assert.Equal(at, NaNScan.IndexOfNaN(copy));
            }
        }
    }
}
