namespace BetterDepth.Training.Priors;

/// <summary>One RGB-D training pair: metric depth (metres) with its validity mask (sky and missing depth invalid).</summary>
public sealed record PriorTrainingSample(RgbImage Image, DepthMap Depth, bool[] Valid);

/// <summary>An indexable collection of training pairs (a synthetic dataset folder, or scenes rendered on demand).</summary>
public interface IPriorTrainingSource
{
    int Count { get; }
    PriorTrainingSample Get(int index);
}
