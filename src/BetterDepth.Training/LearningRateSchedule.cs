namespace BetterDepth.Training;

/// <summary>
/// Marigold's schedule: linear warm-up over the first steps, then exponential decay so the last
/// iteration runs at <c>finalRatio</c> of the peak rate.
/// </summary>
internal sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double FinalRatio)
{
    /// <summary>Learning rate for optimiser step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        int decaySteps = Math.Max(1, TotalSteps - 1 - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        return Peak * Math.Pow(FinalRatio, progress);
    }
}
