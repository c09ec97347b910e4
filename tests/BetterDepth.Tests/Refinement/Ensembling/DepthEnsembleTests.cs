using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement.Ensembling;

public class DepthEnsembleTests
{
    /// <summary>A smooth positive disparity-like field with some structure.</summary>
    static DepthMap BaseMap(int w, int h, int seed)
    {
        var rng = new Random(seed);
        double fx = 1 + rng.NextDouble() * 3, fy = 1 + rng.NextDouble() * 3, phase = rng.NextDouble() * 6;
        var v = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                v[y * w + x] = (float)(2 + Math.Sin(fx * x / w * Math.PI + phase) * Math.Cos(fy * y / h * Math.PI) + 0.5 * y / h);
        return new DepthMap(w, h, DepthKind.AffineDisparity, v);
    }

    static DepthMap Affine(DepthMap m, double scale, double shift, Func<int, double>? noise = null) =>
        new(m.Width, m.Height, m.Kind, m.Values.Select((v, p) => (float)(scale * v + shift + (noise?.Invoke(p) ?? 0))).ToArray());

    static float[] Normalised(DepthMap m)
    {
        float min = m.Values.Min(), max = m.Values.Max();
        return m.Values.Select(v => (v - min) / (max - min)).ToArray();
    }

    static double MaxDiff(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    [Theory]
    [InlineData(EnsembleReduction.Median)]
    [InlineData(EnsembleReduction.Mean)]
    public void AffineCopiesAreBroughtBackToAgreement(EnsembleReduction reduction)
    {
        var truth = BaseMap(48, 36, 1);
        var rng = new Random(2);
        var members = Enumerable.Range(0, 6).Select(_ => Affine(truth, 0.3 + rng.NextDouble() * 3, rng.NextDouble() * 8 - 3)).ToList();
        var (result, uncertainty) = DepthEnsemble.Reduce(members, reduction);
        Assert.True(MaxDiff(result.Values, Normalised(truth)) < 1e-4, $"max error {MaxDiff(result.Values, Normalised(truth))}");
        Assert.True(uncertainty!.Values.Max() < 1e-4, $"max uncertainty {uncertainty.Values.Max()}");
        Assert.Equal(0f, result.Values.Min());
        Assert.Equal(1f, result.Values.Max(), 6);
        Assert.Equal(DepthKind.AffineDisparity, result.Kind);
    }

    [Fact]
    public void AlignmentIsFittedOnTheDownscaledCopyAndAppliedAtFullResolution()
    {
        var truth = BaseMap(300, 200, 3);
        var members = new[] { Affine(truth, 2, 1), Affine(truth, 0.5, -4), Affine(truth, 7, 0.25) };
        var ensemble = DepthEnsemble.Reduce(members, maxResolution: 64);
        Assert.Equal(300, ensemble.Result.Width);
        Assert.True(MaxDiff(ensemble.Result.Values, Normalised(truth)) < 1e-4);
        // The reported per-member alignment maps each member onto the result.
        for (int i = 0; i < members.Length; i++)
        {
            var aligned = members[i].Values.Select(v => (float)(ensemble.Scales[i] * v + ensemble.Shifts[i])).ToArray();
            Assert.True(MaxDiff(aligned, ensemble.Result.Values) < 1e-4);
        }
    }

    [Fact]
    public void NoisyMembersAgreeWithTheTruthAndDoNotCollapse()
    {
        var truth = BaseMap(64, 48, 4);
        var rng = new Random(5);
        var members = Enumerable.Range(0, 10).Select(_ =>
        {
            var noise = Enumerable.Range(0, truth.PixelCount).Select(_ => (rng.NextDouble() - 0.5) * 0.2).ToArray();
            return Affine(truth, 0.5 + rng.NextDouble() * 2, rng.NextDouble() * 4, p => noise[p]);
        }).ToList();
        var ensemble = DepthEnsemble.Reduce(members, EnsembleReduction.Mean);
        var truthN = Normalised(truth);
        double rms = Math.Sqrt(ensemble.Result.Values.Zip(truthN).Average(p => (p.First - p.Second) * (p.First - p.Second)));
        Assert.True(rms < 0.03, $"rms {rms}");
        Assert.All(ensemble.Scales, s => Assert.True(s > 0.1, $"scale {s}"));
        Assert.InRange(ensemble.Uncertainty!.Values.Average(), 0.005, 0.1);
    }

    [Fact]
    public void MedianResistsAnOutlierMemberThatTheMeanFollows()
    {
        var truth = BaseMap(40, 40, 6);
        var rng = new Random(7);
        var members = Enumerable.Range(0, 5).Select(_ => Affine(truth, 1, 0, _ => (rng.NextDouble() - 0.5) * 0.01)).ToList();
        // Member 4 is wrong in a 10x10 corner: a spurious bump of half the range.
        var outlier = members[4].Values;
        bool InPatch(int p) => p % 40 < 10 && p / 40 < 10;
        for (int p = 0; p < outlier.Length; p++) if (InPatch(p)) outlier[p] += 1.5f;

        var truthN = Normalised(truth);
        var median = DepthEnsemble.Reduce(members, EnsembleReduction.Median);
        var mean = DepthEnsemble.Reduce(members, EnsembleReduction.Mean);
        var patch = Enumerable.Range(0, truthN.Length).Where(InPatch).ToArray();
        double medianError = patch.Average(p => Math.Abs(median.Result.Values[p] - truthN[p]));
        double meanError = patch.Average(p => Math.Abs(mean.Result.Values[p] - truthN[p]));
        Assert.True(medianError < 0.02, $"median error {medianError} scales {string.Join(",", median.Scales)} shifts {string.Join(",", median.Shifts)} min {median.Result.Values.Min()}");
        Assert.True(meanError > 5 * medianError, $"mean error {meanError} vs median {medianError}");
        // The spread flags the patch: std (mean) strongly, MAD (median) hardly.
        Assert.True(patch.Average(p => mean.Uncertainty!.Values[p]) > 0.1);
        Assert.True(patch.Average(p => median.Uncertainty!.Values[p]) < 0.02);
    }

    [Fact]
    public void OneMemberReturnsItselfNormalised()
    {
        var only = Affine(BaseMap(20, 10, 8), 3, -1);
        foreach (var reduction in new[] { EnsembleReduction.Median, EnsembleReduction.Mean })
        {
            var (result, uncertainty) = DepthEnsemble.Reduce([only], reduction);
            Assert.True(MaxDiff(result.Values, Normalised(only)) < 1e-6);
            Assert.All(uncertainty!.Values, u => Assert.Equal(0f, u));
        }
    }

    [Fact]
    public void EvenCountMedianIsTheLowerMiddleValueLikeTorch()
    {
        var a = new DepthMap(2, 1, DepthKind.Disparity, [1, 4]);
        var b = new DepthMap(2, 1, DepthKind.Disparity, [3, 2]);
        var median = DepthEnsemble.Reduce([a, b], EnsembleReduction.Median, alignment: EnsembleAlignment.None);
        var mean = DepthEnsemble.Reduce([a, b], EnsembleReduction.Mean, alignment: EnsembleAlignment.None);
        Assert.Equal(new float[] { 1, 2 }, median.Result.Values);
        Assert.Equal(new float[] { 2, 3 }, mean.Result.Values);
        Assert.Equal(new float[] { 0, 0 }, median.Uncertainty!.Values); // |x - lower median| has lower median 0
        Assert.Equal(Math.Sqrt(2), mean.Uncertainty!.Values[0], 5);
    }

    [Fact]
    public void ScaleOnlyAlignmentRecoversScaledCopies()
    {
        var truth = BaseMap(30, 20, 9);
        var members = new[] { Affine(truth, 2, 0), Affine(truth, 0.25, 0), Affine(truth, 5, 0) };
        var (result, uncertainty) = DepthEnsemble.Reduce(members, alignment: EnsembleAlignment.Scale);
        float max = truth.Values.Max();
        Assert.True(MaxDiff(result.Values, truth.Values.Select(v => v / max).ToArray()) < 1e-4);
        Assert.True(uncertainty!.Values.Max() < 1e-4);
    }

    [Fact]
    public void AnalyticGradientMatchesFiniteDifferences()
    {
        var rng = new Random(10);
        var members = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 50).Select(_ => rng.NextDouble() * 3).ToArray()).ToArray();
        foreach (var reduction in new[] { EnsembleReduction.Median, EnsembleReduction.Mean })
        {
            var objective = new AlignmentObjective(members, withShift: true, reduction, regularizerStrength: 0.5);
            var x = Enumerable.Range(0, 8).Select(_ => rng.NextDouble() + 0.2).ToArray();
            var g = new double[8];
            objective.Evaluate(x, g);
            for (int k = 0; k < 8; k++)
            {
                const double h = 1e-6;
                var plus = (double[])x.Clone(); plus[k] += h;
                var minus = (double[])x.Clone(); minus[k] -= h;
                double numeric = (objective.Evaluate(plus, new double[8]) - objective.Evaluate(minus, new double[8])) / (2 * h);
                Assert.True(Math.Abs(numeric - g[k]) < 1e-5 * Math.Max(1, Math.Abs(numeric)), $"{reduction} param {k}: analytic {g[k]} numeric {numeric}");
            }
        }
    }

    [Fact]
    public void BadInputIsRejectedWithTheProblemNamed()
    {
        var a = BaseMap(8, 8, 11);
        Assert.Throws<ArgumentException>(() => DepthEnsemble.Reduce([]));
        Assert.Contains("member 1", Assert.Throws<ArgumentException>(() => DepthEnsemble.Reduce([a, BaseMap(8, 9, 1)])).Message);
        Assert.Contains("member 1", Assert.Throws<ArgumentException>(() => DepthEnsemble.Reduce([a, a.WithKind(DepthKind.Depth)])).Message);
        var nan = a.Clone(); nan.Values[5] = float.NaN;
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => DepthEnsemble.Reduce([a, nan])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthEnsemble.Reduce([a], maxResolution: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DepthEnsemble.Reduce([a], regularizerStrength: double.NaN));
    }
}
