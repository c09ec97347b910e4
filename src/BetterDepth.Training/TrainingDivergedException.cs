namespace BetterDepth.Training;

/// <summary>The loss became NaN or infinite; the run stopped and kept its last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
