using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

/// <summary>End-to-end inference with an untrained tiny refiner: shapes, ranges, seeding, ensembling, cancellation.</summary>
public class RefinementPipelineTests : IClassFixture<RefinementPipelineTests.Model>
{
    public sealed class Model : IDisposable
    {
        public RefinerModel Refiner { get; } = RefinementTestModels.Tiny();
        public void Dispose() => Refiner.Dispose();
    }

    readonly RefinerModel refiner;
    public RefinementPipelineTests(Model model) => refiner = model.Refiner;

    static readonly RefinementOptions Fast = new() { Steps = 1, ProcessingResolution = 0 };

    RefinementResult Run(RgbImage image, RefinementOptions options, RefinementTestModels.RampPrior? prior = null, CancellationToken ct = default) =>
        new RefinementPipeline(prior ?? new RefinementTestModels.RampPrior(), refiner, options).Run(image, "img.png", ct);

    [Fact]
    public void ProgressRisesAfterThePriorEachStepAndEachDecodeAndEndsAtOne()
    {
        var reports = new List<WorkProgress>();
        var options = Fast with { Steps = 3, EnsembleSize = 3, BatchSize = 2 };  // 2 batches: 2 + 2 x (3 steps + 1 decode) = 10 reports
        new RefinementPipeline(new RefinementTestModels.RampPrior(), refiner, options)
            .Run(RefinementTestModels.Image(32, 24), "img.png", default, new SyncProgress(reports.Add));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => new WorkProgress(i, 10)), reports);
    }

    sealed class SyncProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }

    [Theory]
    [InlineData(37, 23, 0)]
    [InlineData(32, 24, 0)]
    [InlineData(50, 30, 21)]
    public void OutputsHaveTheInputSizeAndDisparityInUnitRange(int width, int height, int processingRes)
    {
        var prior = new RefinementTestModels.RampPrior();
        var result = Run(RefinementTestModels.Image(width, height), Fast with { ProcessingResolution = processingRes }, prior);
        foreach (var map in new[] { result.Refined, result.Prior })
            Assert.Equal((width, height), (map.Width, map.Height));
        Assert.Equal(DepthKind.AffineDisparity, result.Refined.Kind);
        Assert.All(result.Refined.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.Null(result.Uncertainty);
        // The prior runs once, on the original image whatever the processing size, and its map is returned as it made it.
        Assert.Equal([(width, height)], prior.Calls);
        Assert.Equal(new RefinementTestModels.RampPrior().Predict(RefinementTestModels.Image(width, height)).Values, result.Prior.Values);
    }

    [Fact]
    public void SameSeedRepeatsAndAnotherSeedDiffers()
    {
        var image = RefinementTestModels.Image(32, 24);
        var a = Run(image, Fast with { Seed = 5 }).Refined.Values;
        var b = Run(image, Fast with { Seed = 5 }).Refined.Values;
        var c = Run(image, Fast with { Seed = 6 }).Refined.Values;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void EnsembleGivesUncertaintyAndMembersDoNotDependOnTheBatchSize()
    {
        var image = RefinementTestModels.Image(32, 24);
        var all = Run(image, Fast with { EnsembleSize = 3, BatchSize = 0, Seed = 2, Reduction = EnsembleReduction.Mean });
        var single = Run(image, Fast with { EnsembleSize = 3, BatchSize = 1, Seed = 2, Reduction = EnsembleReduction.Mean });
        Assert.NotNull(all.Uncertainty);
        Assert.Equal((32, 24), (all.Uncertainty!.Width, all.Uncertainty.Height));
        // Untrained members disagree, so the spread is positive somewhere.
        Assert.Contains(all.Uncertainty.Values, v => v > 0);
        // Each member starts from the same noise whatever the batching; only the U-Net's batched arithmetic may differ.
        for (int i = 0; i < all.Refined.PixelCount; i++)
            Assert.Equal(all.Refined.Values[i], single.Refined.Values[i], 1e-4f);
        // and the first member alone is not the ensemble
        var first = Run(image, Fast with { EnsembleSize = 1, Seed = 2 });
        Assert.NotEqual(first.Refined.Values, all.Refined.Values);
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(RefinementTestModels.Image(32, 24), Fast, ct: cts.Token));
    }

    [Fact]
    public void CancellationBetweenDenoisingStepsStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        var pipeline = new RefinementPipeline(new CancellingPrior(cts), refiner, Fast with { Steps = 3 });
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Run(RefinementTestModels.Image(32, 24), null, cts.Token));
    }

    /// <summary>Cancels the token while predicting, as a Ctrl-C arriving mid-image would.</summary>
    sealed class CancellingPrior(CancellationTokenSource cts) : BetterDepth.Priors.IDepthPrior
    {
        readonly RefinementTestModels.RampPrior inner = new();
        public string Name => "cancelling";
        public DepthKind OutputKind => DepthKind.AffineDisparity;
        public DepthMap Predict(RgbImage image, CancellationToken ct = default) { cts.Cancel(); return inner.Predict(image, ct); }
        public void Dispose() { }
    }

    [Fact]
    public void TimingsNameEveryStage()
    {
        var result = Run(RefinementTestModels.Image(32, 24), Fast with { Steps = 2, EnsembleSize = 2 });
        var stages = result.Timings.Stages.Select(s => s.Stage).ToList();
        foreach (var stage in new[] { "prior", "condition", "encode", "U-Net step 1", "scheduler step 1", "U-Net step 2", "scheduler step 2", "decode", "ensemble" })
            Assert.Contains(stage, stages);
        Assert.DoesNotContain("U-Net step 3", stages);
        Assert.All(result.Timings.Stages, s => Assert.True(s.Seconds >= 0));
        Assert.Equal(result.Timings.Stages.Sum(s => s.Seconds), result.Timings.Total, 9);
    }

    [Fact]
    public void AnAffineDepthPriorIsPassedThroughAndConditionsLikeItsDisparityOrder()
    {
        var image = RefinementTestModels.Image(32, 24);
        // Depth = 100 - ramp is ordered exactly opposite to the disparity ramp: the condition must be the same.
        var depthPrior = new RefinementTestModels.RampPrior(DepthKind.AffineDepth, scale: -1, offset: 100);
        var dispPrior = new RefinementTestModels.RampPrior(DepthKind.AffineDisparity);
        var fromDepth = Run(image, Fast, depthPrior);
        var fromDisparity = Run(image, Fast, dispPrior);
        Assert.Equal(DepthKind.AffineDepth, fromDepth.Prior.Kind);
        Assert.Equal(fromDisparity.Refined.Values, fromDepth.Refined.Values);
    }

    [Fact]
    public void NegativeDisparityFromAnAffinePriorIsUsable()
    {
        var image = RefinementTestModels.Image(32, 24);
        var shifted = Run(image, Fast, new RefinementTestModels.RampPrior(offset: -30));
        var plain = Run(image, Fast, new RefinementTestModels.RampPrior());
        // The condition is shift-invariant, so a prior that is the same map moved below zero refines identically.
        Assert.Equal(plain.Refined.Values, shifted.Refined.Values);
        Assert.Contains(shifted.Prior.Values, v => v < 0);
    }

    [Fact]
    public void ImageOnlyRefinerIgnoresThePrior()
    {
        using var imageOnly = RefinementTestModels.Tiny(Conditioning.ImageOnly);
        var image = RefinementTestModels.Image(32, 24);
        var a = new RefinementPipeline(new RefinementTestModels.RampPrior(), imageOnly, Fast).Run(image);
        var b = new RefinementPipeline(new RefinementTestModels.RampPrior(scale: -1), imageOnly, Fast).Run(image);
        Assert.Equal(a.Refined.Values, b.Refined.Values);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var image = RefinementTestModels.Image(32, 24);
        Assert.Throws<ArgumentException>(() => Run(image, Fast with { Steps = 0 }));
        Assert.Throws<ArgumentException>(() => Run(image, Fast with { EnsembleSize = 0 }));
        Assert.Throws<ArgumentException>(() => Run(image, Fast with { BatchSize = -1 }));
    }
}
