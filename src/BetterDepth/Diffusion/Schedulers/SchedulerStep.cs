using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>One reverse-process update: the sample at the previous timestep and the x0 it was computed from.</summary>
public sealed record SchedulerStep(Tensor PrevSample, Tensor PredictedOriginal) : IDisposable
{
    public void Dispose()
    {
        PrevSample.Dispose();
        PredictedOriginal.Dispose();
    }
}
