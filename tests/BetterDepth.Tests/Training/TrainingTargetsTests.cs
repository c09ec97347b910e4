using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;
using BetterDepth.Training;

namespace BetterDepth.Tests.Training;

/// <summary>Algorithm 1 steps 1-3 on hand-made maps whose right answer is known.</summary>
public class TrainingTargetsTests
{
    const int W = 32, H = 24;
    static readonly RgbImage Image = RefinementTestModels.Image(W, H);

    /// <summary>Ground-truth disparity 1 + y + x / 4 (so depth 1 / that), every pixel valid.</summary>
    static float GtDisparity(int i) => 1f + i / W + 0.25f * (i % W);

    static (DepthMap Depth, bool[] Valid) GroundTruth()
    {
        var d = new float[W * H];
        for (int i = 0; i < d.Length; i++) d[i] = 1f / GtDisparity(i);
        return (new DepthMap(W, H, DepthKind.Depth, d), Enumerable.Repeat(true, W * H).ToArray());
    }

    /// <summary>The prior as an exact positive affine of the ground-truth disparity, plus an optional change.</summary>
    static DepthMap AffinePrior(Func<int, float>? change = null)
    {
        var v = new float[W * H];
        for (int i = 0; i < v.Length; i++) v[i] = 3f * GtDisparity(i) - 7f + (change?.Invoke(i) ?? 0);
        return new DepthMap(W, H, DepthKind.AffineDisparity, v);
    }

    static bool InPatch(int i, int left, int top, int size = 8) => i % W >= left && i % W < left + size && i / W >= top && i / W < top + size;

    [Fact]
    public void AnExactlyAffinePriorIsAlignedOntoTheLabelAndKeepsEveryPixel()
    {
        var (gt, valid) = GroundTruth();
        var s = TrainingTargets.Prepare(Image, gt, valid, AffinePrior(), new TrainingRecipe());
        Assert.Equal(DepthKind.Normalized, s.Target.Kind);
        Assert.Equal(-1f, s.Target.Values.Min());
        Assert.Equal(1f, s.Target.Values.Max());
        // +1 is near: the bottom-right pixel has the largest disparity.
        Assert.Equal(1f, s.Target.Values[^1]);
        for (int i = 0; i < W * H; i++) Assert.Equal(s.Target.Values[i], s.Condition.Values[i], 4);
        Assert.All(s.LossMask, Assert.True);
        Assert.All(s.Valid, Assert.True);
    }

    [Fact]
    public void CorruptingOnePatchDropsExactlyThatPatch()
    {
        var (gt, valid) = GroundTruth();
        // +15 prior units is about +0.33 on the label scale (2 per ~31 disparity units, 3 prior units each): far above eta.
        var s = TrainingTargets.Prepare(Image, gt, valid, AffinePrior(i => InPatch(i, 8, 8) ? 15f : 0), new TrainingRecipe());
        for (int i = 0; i < W * H; i++) Assert.Equal(!InPatch(i, 8, 8), s.LossMask[i]);
    }

    /// <summary>Label units per prior unit for the map above: the label's quantile span over 3 x the disparity's.</summary>
    static double LabelPerPriorUnit()
    {
        var (gt, valid) = GroundTruth();
        var s = TrainingTargets.Prepare(Image, gt, valid, AffinePrior(), new TrainingRecipe());
        // two pixels one disparity unit apart (rows y and y + 1), both unclamped
        int a = 10 * W + 10, b = 11 * W + 10;
        return (s.Target.Values[b] - s.Target.Values[a]) / 3.0;
    }

    [Theory]
    [InlineData(0.09, true)]
    [InlineData(0.11, false)]
    public void EtaIsTheRmsTolerancePerPixelOnTheLabelScale(double offset, bool kept)
    {
        // Without pre-alignment the condition is the prior's own normalisation, which a change inside the quantiles
        // does not move: a uniform offset in one patch is then exactly its RMS difference.
        var (gt, valid) = GroundTruth();
        float priorOffset = (float)(offset / LabelPerPriorUnit());
        var recipe = new TrainingRecipe { GlobalPreAlignment = false, Eta = 0.1 };
        var s = TrainingTargets.Prepare(Image, gt, valid, AffinePrior(i => InPatch(i, 16, 8) ? priorOffset : 0), recipe);
        for (int i = 0; i < W * H; i++) Assert.Equal(InPatch(i, 16, 8) ? kept : true, s.LossMask[i]);
    }

    [Fact]
    public void WithoutPreAlignmentTheConditionIsThePriorsOwnNormalisation()
    {
        var (gt, valid) = GroundTruth();
        var prior = AffinePrior(i => 0.5f * MathF.Sin(i));
        var s = TrainingTargets.Prepare(Image, gt, valid, prior, new TrainingRecipe { GlobalPreAlignment = false });
        Assert.Equal(DepthCondition.FromPrior(prior).Values, s.Condition.Values);
    }

    [Fact]
    public void WithoutPatchMaskingTheLossMaskIsTheValidMask()
    {
        var (gt, valid) = GroundTruth();
        var s = TrainingTargets.Prepare(Image, gt, valid, AffinePrior(i => InPatch(i, 8, 8) ? 15f : 0), new TrainingRecipe { LocalPatchMasking = false });
        Assert.All(s.LossMask, Assert.True);
    }

    [Fact]
    public void PixelsWithoutGroundTruthAreFarAndNeverInTheLoss()
    {
        var (gt, valid) = GroundTruth();
        var depth = (float[])gt.Values.Clone();
        valid[5] = false;                  // masked out
        depth[40] = 0;                     // no measurement
        depth[41] = float.NaN;             // broken measurement
        depth[42] = float.PositiveInfinity;
        var s = TrainingTargets.Prepare(Image, new DepthMap(W, H, DepthKind.Depth, depth), valid, AffinePrior(), new TrainingRecipe());
        foreach (int i in new[] { 5, 40, 41, 42 })
        {
            Assert.Equal(-1f, s.Target.Values[i]);
            Assert.False(s.Valid[i]);
            Assert.False(s.LossMask[i]);
        }
        Assert.Equal(W * H - 4, s.LossMask.Count(m => m));
    }

    [Fact]
    public void MismatchedInputsAreRejected()
    {
        var (gt, valid) = GroundTruth();
        var recipe = new TrainingRecipe();
        var small = new DepthMap(W, H - 1, DepthKind.AffineDisparity, new float[W * (H - 1)]);
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, valid, small, recipe));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(RefinementTestModels.Image(W + 1, H), gt, valid, AffinePrior(), recipe));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, valid[1..], AffinePrior(), recipe));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt.WithKind(DepthKind.Disparity), valid, AffinePrior(), recipe));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, valid, AffinePrior().WithKind(DepthKind.AffineDepth), recipe));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, valid, AffinePrior(), recipe with { PatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, valid, AffinePrior(), recipe with { Eta = double.NaN }));
        Assert.Throws<ArgumentException>(() => TrainingTargets.Prepare(Image, gt, new bool[W * H], AffinePrior(), recipe));
    }
}
