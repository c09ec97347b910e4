using System.Runtime.InteropServices;

namespace BetterDepth.Compute;

/// <summary>
/// How long libtorch's OpenMP workers (libgomp, on Linux) spin after a parallel region before they sleep. libgomp's
/// default, 300,000 rounds, keeps them busy for milliseconds after the model is done, so the threads that write a
/// prediction right after it share the cores with spinning workers. A tenth of it still spans the microsecond gaps
/// between the U-Net's operations but frees the cores soon after the model (bench/README.md has the measurement).
/// libgomp reads the setting once, when it loads, so <see cref="LimitBeforeLibtorchLoads"/> must run before the
/// first libtorch call; later it changes nothing. A GOMP_SPINCOUNT or OMP_WAIT_POLICY the user set is kept.
/// </summary>
public static partial class OpenMpSpin
{
    public const string Variable = "GOMP_SPINCOUNT";
    public const int Rounds = 30_000;

    /// <summary>Sets GOMP_SPINCOUNT to <see cref="Rounds"/> unless the user chose a spin or wait policy; true if it did.</summary>
    public static bool LimitBeforeLibtorchLoads()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return false;
        // .NET keeps its own copy of the environment on Unix; libgomp reads the C library's, and children get .NET's.
        var rounds = Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            if (SetNative(Variable, rounds, overwrite: 0) != 0) return false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // an unusual C library: a tuning setting is not worth failing over
        }
        Environment.SetEnvironmentVariable(Variable, rounds);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNative(string name, string value, int overwrite);
}
