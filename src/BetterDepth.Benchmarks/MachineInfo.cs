using System.Globalization;
using System.Runtime.InteropServices;

namespace BetterDepth.Benchmarks;

/// <summary>What the figures were measured on; the load average says how much the shared machine was busy.</summary>
public sealed record MachineInfo(string CpuModel, int LogicalCores, string Os, string Runtime, double LoadAverage1Min)
{
    public static MachineInfo Current() => new(ReadCpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription, LoadAverage());

    /// <summary>The 1-minute load average from /proc/loadavg, NaN where there is none.</summary>
    public static double LoadAverage()
    {
        if (!File.Exists("/proc/loadavg")) return double.NaN;
        var first = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
    }

    static string ReadCpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
