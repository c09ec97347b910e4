namespace BetterDepth.Evaluation;

/// <summary>What prediction files hold.</summary>
public enum PredictionContent { Depth, Disparity }

public sealed record EvaluationOptions
{
    /// <summary>What the prediction files hold: depth-like or disparity-like (affine-invariant or metric).</summary>
    public PredictionContent PredictionsAre { get; init; } = PredictionContent.Disparity;

    /// <summary>
    /// How predictions are fitted to ground truth. Null picks the protocol's choice for the content:
    /// least squares in disparity space for disparity predictors, in depth space for depth predictors.
    /// </summary>
    public AlignmentMode? Alignment { get; init; }

    /// <summary>Add the detail metrics (DBE, edge precision/recall); null follows the dataset (on for Middlebury).</summary>
    public bool? DetailMetrics { get; init; }

    /// <summary>Stop at the first missing or unreadable prediction instead of counting it.</summary>
    public bool Strict { get; init; }

    /// <summary>Samples evaluated at once (each holds its ground truth and prediction in memory).</summary>
    public int MaxParallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public AlignmentMode EffectiveAlignment => Alignment ?? (PredictionsAre == PredictionContent.Disparity
        ? AlignmentMode.LeastSquareDisparity : AlignmentMode.LeastSquare);
}
