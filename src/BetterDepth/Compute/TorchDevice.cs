using TorchSharp;

namespace BetterDepth.Compute;

/// <summary>
/// The one place that turns a device setting ("cpu", "cuda", "cuda:1") into a TorchSharp device.
/// Everything else takes a <see cref="torch.Device"/> so GPU users only swap the TorchSharp package.
/// </summary>
public static class TorchDevice
{
    public static torch.Device Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return torch.CPU;
        if (n.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException($"device '{name}' requested but CUDA is not available (this build references TorchSharp-cpu; use a TorchSharp-cuda-* package on a GPU machine)");
            return torch.device(n);
        }
        throw new ArgumentException($"unknown device '{name}': use cpu, cuda or cuda:N");
    }

    /// <summary>
    /// Sets libtorch's intra-op threads deliberately (default: all cores). Called before anything else touches
    /// libtorch, it also shortens the OpenMP workers' spinning (<see cref="OpenMpSpin"/>).
    /// </summary>
    public static void ConfigureThreads(int? threads = null)
    {
        OpenMpSpin.LimitBeforeLibtorchLoads();
        var n = threads ?? Environment.ProcessorCount;
        if (n > 0) torch.set_num_threads(n);
    }
}
