namespace BetterDepth.Priors.Learned;

/// <summary>Training produced a non-finite loss and stopped without overwriting the last good checkpoint.</summary>
public sealed class PriorTrainingDivergedException(string message) : Exception(message);
