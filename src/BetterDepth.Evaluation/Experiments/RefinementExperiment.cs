using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Evaluation;

/// <summary>The prior alone and the refined result on the same samples, scored by the same evaluation.</summary>
public sealed record ExperimentResult(EvaluationReport Prior, EvaluationReport Refined, IReadOnlyList<MontageRow> MontageRows, double SecondsPerImage);

/// <summary>
/// Runs prior and refiner over a dataset's split, writes both predictions in the evaluation layout
/// (OUT/prior/a/b/c.npy and OUT/refined/a/b/c.npy for the image a/b/c.png) and evaluates both with
/// least squares in disparity space, detail metrics included: the comparison of the paper's tables.
/// </summary>
public static class RefinementExperiment
{
    public static ExperimentResult Run(EvaluationDataset dataset, IDepthPrior prior, RefinerModel refiner, RefinementOptions options,
        string outDir, int montageRows = 4, IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        var pipeline = new RefinementPipeline(prior, refiner, options);
        var rows = new List<MontageRow>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var samples = dataset.Samples;
        for (int i = 0; i < samples.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            progress?.Report(new WorkProgress(i, samples.Count, "refining"));
            var sample = samples[i];
            var image = ImageFile.ReadRgb(Path.Combine(dataset.DataDir, sample.RgbPath));
            var result = pipeline.Run(image, sample.RgbPath, ct);
            var stem = Path.ChangeExtension(sample.RgbPath, null);
            DepthFile.WriteNpy(Path.Combine(outDir, "prior", stem + ".npy"), result.Prior);
            DepthFile.WriteNpy(Path.Combine(outDir, "refined", stem + ".npy"), result.Refined);
            if (rows.Count < montageRows)
            {
                var gt = sample.LoadGroundTruth();
                rows.Add(new MontageRow(image, gt.Depth, gt.Valid, [("prior", result.Prior), ("refined", result.Refined)]));
            }
        }
        double perImage = clock.Elapsed.TotalSeconds / Math.Max(1, samples.Count);
        progress?.Report(new WorkProgress(samples.Count, samples.Count, "evaluating"));
        var evaluation = new EvaluationOptions { PredictionsAre = PredictionContent.Disparity, DetailMetrics = true, Strict = true };
        var priorReport = Evaluator.Run(dataset, Path.Combine(outDir, "prior"), evaluation, null, ct);
        var refinedReport = Evaluator.Run(dataset, Path.Combine(outDir, "refined"), evaluation, null, ct);
        return new ExperimentResult(priorReport, refinedReport, rows, perImage);
    }
}
