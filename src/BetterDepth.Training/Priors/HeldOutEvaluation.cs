using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Priors;

namespace BetterDepth.Training.Priors;

/// <summary>
/// Measures a prior on a held-out dataset with the project's evaluation protocol: predicts every sample of the
/// dataset's split into a predictions folder (<c>rgb/x.png</c> -> <c>rgb/x.npy</c>, where the evaluator looks),
/// then scores them with <see cref="Evaluator"/> (least-squares alignment in disparity space for a disparity prior).
/// </summary>
public static class HeldOutEvaluation
{
    public static EvaluationReport Run(IDepthPrior prior, EvaluationDataset dataset, string predictionsDir,
                                       IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        var samples = dataset.Samples;
        for (int i = 0; i < samples.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = ImageFile.ReadRgb(Path.Combine(dataset.DataDir, samples[i].RgbPath));
            var prediction = prior.Predict(image, samples[i].RgbPath, ct);
            DepthFile.WriteNpy(PredictionLocator.Candidates(predictionsDir, samples[i])[0], prediction);
            progress?.Report(new WorkProgress(i + 1, samples.Count, "predicting"));
        }
        var options = new EvaluationOptions
        {
            PredictionsAre = prior.OutputKind.IsDisparityLike() ? PredictionContent.Disparity : PredictionContent.Depth,
            Strict = true,
        };
        return Evaluator.Run(dataset, predictionsDir, options, progress, ct);
    }
}
