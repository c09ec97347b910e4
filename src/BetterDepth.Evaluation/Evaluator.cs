using System.Diagnostics;
using System.Runtime.ExceptionServices;
using BetterDepth.Imaging;

namespace BetterDepth.Evaluation;

/// <summary>
/// Scores a folder of predictions on a benchmark, sample by sample: read ground truth -> read prediction ->
/// bring it to the ground truth's frame -> align -> metrics; then averages over samples (Marigold's protocol).
/// </summary>
public static class Evaluator
{
    public static EvaluationReport Run(EvaluationDataset dataset, string predictionsDir, EvaluationOptions options,
                                       IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (!Directory.Exists(predictionsDir)) throw new DirectoryNotFoundException($"predictions folder not found: {predictionsDir}");
        if (options.MaxParallelism < 1) throw new ArgumentException($"MaxParallelism must be at least 1, got {options.MaxParallelism}", nameof(options));
        predictionsDir = Path.GetFullPath(predictionsDir);
        RequireGroundTruthFiles(dataset);

        var samples = dataset.Samples;
        int foldersLeftOut = PredictionLocator.FoldersLeftOut(predictionsDir, samples, s => RgbFullPath(dataset, s));
        var detail = options.DetailMetrics ?? dataset.DetailMetricsByDefault;
        var outcomes = new (SampleResult? Result, SkippedSample? Skipped)[samples.Count];
        var clock = Stopwatch.StartNew();
        long done = 0;
        progress?.Report(new WorkProgress(0, samples.Count));
        try
        {
            Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism, CancellationToken = cancellation }, i =>
            {
                cancellation.ThrowIfCancellationRequested();
                outcomes[i] = EvaluateSample(dataset, samples[i], predictionsDir, foldersLeftOut, options, detail);
                progress?.Report(new WorkProgress(Interlocked.Increment(ref done), samples.Count, samples[i].Id));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        return new EvaluationReport(
            dataset.Name, dataset.DataDir, dataset.SplitFile, predictionsDir, options.EffectiveAlignment, options.PredictionsAre, detail,
            outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToList(),
            outcomes.Where(o => o.Skipped is not null).Select(o => o.Skipped!).ToList(),
            dataset.LinesWithoutGroundTruth, clock.Elapsed);
    }

    /// <summary>Missing ground truth means a wrong --data-dir or split: say so before spending time on the rest.</summary>
    static void RequireGroundTruthFiles(EvaluationDataset dataset)
    {
        var missing = dataset.Samples.SelectMany(s => s.GroundTruthFiles).Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"{missing.Count} ground-truth file(s) of dataset \"{dataset.Name}\" not found, first: {missing[0]}", missing[0]);
    }

    static string RgbFullPath(EvaluationDataset dataset, EvaluationSample sample) => Path.GetFullPath(Path.Combine(dataset.DataDir, sample.RgbPath));

    static (SampleResult?, SkippedSample?) EvaluateSample(EvaluationDataset dataset, EvaluationSample sample, string predictionsDir,
                                                         int foldersLeftOut, EvaluationOptions options, bool detail)
    {
        var gt = sample.LoadGroundTruth();
        var predictionPath = PredictionLocator.Find(predictionsDir, sample, RgbFullPath(dataset, sample), foldersLeftOut);
        if (predictionPath is null)
        {
            var expected = PredictionLocator.Candidates(predictionsDir, sample, foldersLeftOut)[0];
            if (options.Strict) throw new FileNotFoundException($"prediction for {sample.Id} not found: {expected} (or .pfm/.png)", expected);
            return (null, new SkippedSample(sample.Id, expected, SkipReason.MissingPrediction, "prediction not found"));
        }

        var validCount = gt.ValidCount;
        if (validCount == 0)
            return (null, new SkippedSample(sample.Id, predictionPath, SkipReason.NoValidPixels, "no valid ground-truth pixel"));
        try
        {
            var metrics = Score(predictionPath, gt, dataset.Range, options, detail);
            return (new SampleResult(sample.Id, predictionPath, validCount, metrics), null);
        }
        catch (IOException e) when (!options.Strict)
        {
            return (null, new SkippedSample(sample.Id, predictionPath, SkipReason.UnreadablePrediction, e.Message));
        }
    }

    /// <summary>Read the prediction, bring it to the ground truth's frame and space, align, measure.</summary>
    static MetricValues Score(string predictionPath, GroundTruth gt, DepthRange range, EvaluationOptions options, bool detail)
    {
        // PNG predictions are read as their raw 16-bit values: only their relative values matter once aligned.
        var prediction = DepthFile.Read(predictionPath, options.PredictionsAre == PredictionContent.Disparity ? DepthKind.AffineDisparity : DepthKind.AffineDepth);
        try
        {
            var framed = PredictionFraming.ToGroundTruthFrame(prediction, gt);
            var mode = options.EffectiveAlignment;
            var (toAlign, fitValid) = PredictionFraming.ToAlignmentSpace(framed, options.PredictionsAre, mode, gt.Valid);
            if (mode != AlignmentMode.None && !fitValid.Contains(true))
                throw new ArgumentException("no positive prediction value on a valid pixel to fit a scale and shift on");
            var aligned = GroundTruthAlignment.Align(toAlign, gt.Depth, fitValid, mode, range.Min, range.Max);
            var metrics = DepthMetrics.Compute(aligned.Values, gt.Depth.Values, gt.Valid);
            return detail ? metrics.Concat(DetailMetrics.Compute(aligned, gt.Depth, gt.Valid)).Concat(EdgeBandMetrics.Compute(aligned, gt.Depth, gt.Valid)) : metrics;
        }
        catch (ArgumentException e)
        {
            // Values no alignment can use (infinities, nothing positive): the file's problem, reported like a corrupt one.
            throw new InvalidFileException(predictionPath, $"unusable prediction: {e.Message}", e);
        }
    }
}
