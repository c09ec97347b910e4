using BetterDepth.Diffusion;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class InferenceTimestepsTests
{
    static SchedulerConfig With(TimestepSpacing spacing, int offset = 0) =>
        SchedulerConfig.StableDiffusion2 with { TimestepSpacing = spacing, StepsOffset = offset };

    [Fact]
    public void LeadingWithOffsetOneMatchesDiffusersFor50Steps()
    {
        var expected = Enumerable.Range(0, 50).Select(i => 981L - 20 * i).ToArray(); // 981, 961, ..., 1
        Assert.Equal(expected, InferenceTimesteps.Compute(With(TimestepSpacing.Leading, 1), 50));
        Assert.Equal(1, expected[^1]);
    }

    [Fact]
    public void LeadingUsesIntegerRatio()
    {
        // 1000 // 3 = 333: 666, 333, 0 (+ offset)
        Assert.Equal(new long[] { 667, 334, 1 }, InferenceTimesteps.Compute(With(TimestepSpacing.Leading, 1), 3));
        Assert.Equal(new long[] { 0 }, InferenceTimesteps.Compute(With(TimestepSpacing.Leading), 1));
    }

    [Fact]
    public void TrailingMatchesDiffusers()
    {
        Assert.Equal(new long[] { 999, 499 }, InferenceTimesteps.Compute(With(TimestepSpacing.Trailing, 1), 2));
        Assert.Equal(new long[] { 999 }, InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 1));
        // round(arange(1000, 0, -333.33)) - 1 = [1000, 667, 333] - 1
        Assert.Equal(new long[] { 999, 666, 332 }, InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 3));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 999L - 20 * i), InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 50));
    }

    [Fact]
    public void TrailingKeepsExactlyNStepsWhereNumpyWouldAddOne()
    {
        var t = InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 61);
        Assert.Equal(61, t.Length);
        Assert.True(t[^1] >= 0);
        Assert.True(t.Zip(t.Skip(1)).All(p => p.First > p.Second));
    }

    [Fact]
    public void LinspaceRoundsHalfToEvenLikeNumpy()
    {
        // linspace(0, 999, 5) = 0, 249.75, 499.5, 749.25, 999 -> 0, 250, 500, 749, 999 (499.5 rounds to even 500)
        Assert.Equal(new long[] { 999, 749, 500, 250, 0 }, InferenceTimesteps.Compute(With(TimestepSpacing.Linspace), 5));
        // linspace(0, 999, 3) = 0, 499.5, 999 -> 500
        Assert.Equal(new long[] { 999, 500, 0 }, InferenceTimesteps.Compute(With(TimestepSpacing.Linspace), 3));
    }

    [Fact]
    public void RejectsImpossibleStepCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceTimesteps.Compute(With(TimestepSpacing.Trailing), 1001));
        // 1000 leading steps with offset 1 would reach t = 1000
        Assert.Throws<ArgumentException>(() => InferenceTimesteps.Compute(With(TimestepSpacing.Leading, 1), 1000));
    }
}
