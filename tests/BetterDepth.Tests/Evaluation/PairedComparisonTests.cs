using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class PairedComparisonTests
{
    static EvaluationReport Report(string dir, params (string Id, double AbsRel, double DbeAcc)[] samples) =>
        new("mine", "/data", null, dir, AlignmentMode.LeastSquareDisparity, PredictionContent.Disparity, true,
            [.. samples.Select(s => new SampleResult(s.Id, $"{dir}/{s.Id}.npy", 10, new MetricValues(("abs_rel", s.AbsRel), ("dbe_acc", s.DbeAcc))))],
            [], 0, TimeSpan.FromSeconds(1));

    [Fact]
    public void PairsByIdAndLeavesOutWhatEitherLacks()
    {
        var candidate = Report("/refined", ("a", 0.10, 1.0), ("b", 0.20, double.NaN), ("c", 0.31, 3.0), ("only-here", 9, 9));
        var baseline = Report("/prior", ("c", 0.32, 2.0), ("a", 0.12, 1.5), ("b", 0.23, 4.0));
        var paired = PairedComparison.Of(candidate, baseline);
        Assert.Equal(3, paired.PairedCount);
        Assert.Equal("/prior", paired.BaselinePredictionsDir);
        Assert.Equal((0.12 + 0.23 + 0.32) / 3, paired.BaselineMeans["abs_rel"], 12);
        Assert.Equal(-0.02, paired.Differences["abs_rel"], 12);                          // -0.02, -0.03, -0.01
        Assert.Equal(0.01 / Math.Sqrt(3), paired.DifferenceStandardErrors["abs_rel"], 12); // their sample sd is 0.01
        // b has no boundary error in the candidate, so neither mean counts it: both describe images a and c.
        Assert.Equal(1.75, paired.BaselineMeans["dbe_acc"], 12);
        Assert.Equal(2.0, paired.CandidateMeans["dbe_acc"], 12);
        Assert.Equal(0.25, paired.Differences["dbe_acc"], 12);
    }

    [Fact]
    public void RefusesReportsWithNoImageInCommon()
    {
        var e = Assert.Throws<ArgumentException>(() => PairedComparison.Of(Report("/x", ("a", 0.1, 1)), Report("/y", ("b", 0.1, 1))));
        Assert.Contains("share no sample", e.Message);
    }
}
