namespace BetterDepth.Refinement;

/// <summary>
/// What one image gives: the refined affine-invariant disparity in [0, 1] (1 = near), the prior's own
/// prediction beside it (its own kind), and with ensembling an uncertainty map; all at the input size.
/// </summary>
public sealed record RefinementResult(DepthMap Refined, DepthMap Prior, DepthMap? Uncertainty, StageTimings Timings);
