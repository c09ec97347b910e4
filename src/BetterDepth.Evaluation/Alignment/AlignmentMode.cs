namespace BetterDepth.Evaluation;

/// <summary>How an affine-invariant prediction is brought to the ground truth's metric scale before metrics (Marigold's eval modes).</summary>
public enum AlignmentMode
{
    /// <summary>Take the prediction as metric depth ("None" in Marigold's eval script).</summary>
    None,
    /// <summary>Least-squares scale and shift of the prediction onto the ground-truth depth ("least_square"), for depth predictors.</summary>
    LeastSquare,
    /// <summary>Least-squares scale and shift onto the ground-truth disparity 1/d, then inverted ("least_square_disparity"), for disparity predictors.</summary>
    LeastSquareDisparity,
}
