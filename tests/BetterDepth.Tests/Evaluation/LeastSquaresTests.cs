using BetterDepth.Evaluation;
using BetterDepth.Geometry;

namespace BetterDepth.Tests.Evaluation;

public class LeastSquaresTests
{
    [Fact]
    public void RecoversAKnownScaleAndShiftExactly()
    {
        var rng = new Random(1);
        var p = Enumerable.Range(0, 500).Select(_ => (float)rng.NextDouble() * 10f).ToArray();
        var t = p.Select(v => (float)(2.5 * v - 3.25)).ToArray();
        var fit = LeastSquares.Fit(p, t, Enumerable.Repeat(true, p.Length).ToArray());
        Assert.Equal(2.5, fit.Scale, 5);
        Assert.Equal(-3.25, fit.Shift, 5);
    }

    [Fact]
    public void IgnoresInvalidPixels()
    {
        float[] p = [1, 2, 3, 4, 5];
        float[] t = [3, 5, 7, 1000, 11]; // 2p + 1 except the outlier at index 3
        bool[] valid = [true, true, true, false, true];
        var fit = LeastSquares.Fit(p, t, valid);
        Assert.Equal(2.0, fit.Scale, 12);
        Assert.Equal(1.0, fit.Shift, 12);
    }

    [Fact]
    public void MatchesTheNormalEquationsOnNoisyData()
    {
        // p = 0,1,2,3; t = 1,2,2,4: slope = Sxy/Sxx = (-1.5*-1.25 + -0.5*-0.25 + 0.5*-0.25 + 1.5*1.75)/5 = 0.9, shift = 2.25 - 0.9*1.5 = 0.9
        var fit = LeastSquares.Fit([0, 1, 2, 3], [1, 2, 2, 4], [true, true, true, true]);
        Assert.Equal(0.9, fit.Scale, 12);
        Assert.Equal(0.9, fit.Shift, 12);
    }

    [Fact]
    public void ConstantPredictionGivesTheMinimumNormSolutionLikeNumpy()
    {
        // All p = 2, mean t = 4: solutions satisfy 2s + b = 4; the shortest is (s, b) = 4/(4+1) * (2, 1) = (1.6, 0.8).
        var fit = LeastSquares.Fit([2, 2, 2], [3, 4, 5], [true, true, true]);
        Assert.Equal(1.6, fit.Scale, 12);
        Assert.Equal(0.8, fit.Shift, 12);
        Assert.Equal(4.0, fit.Apply(2), 12);
    }

    [Fact]
    public void OneValidPixelIsMappedExactly()
    {
        var fit = LeastSquares.Fit([3, 7], [6, 1], [true, false]);
        Assert.Equal(6.0, fit.Apply(3), 12);
    }

    [Fact]
    public void RejectsBadInput()
    {
        var noValid = Assert.Throws<ArgumentException>(() => LeastSquares.Fit([1, 2], [1, 2], [false, false]));
        Assert.Contains("no valid pixel", noValid.Message);
        var nan = Assert.Throws<ArgumentException>(() => LeastSquares.Fit([1, float.NaN], [1, 2], [true, true]));
        Assert.Equal("prediction", nan.ParamName);
        Assert.Throws<ArgumentException>(() => LeastSquares.Fit([1, 2], [1, 2, 3], [true, true]));
        Assert.Throws<ArgumentException>(() => LeastSquares.Fit([1, 2], [1, 2], [true]));
        // NaN where the mask excludes it is fine
        var fit = LeastSquares.Fit([1, 2, float.NaN], [2, 4, 0], [true, true, false]);
        Assert.Equal(2.0, fit.Scale, 12);
    }
}
