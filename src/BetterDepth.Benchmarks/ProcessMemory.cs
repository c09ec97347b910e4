using System.Globalization;

namespace BetterDepth.Benchmarks;

/// <summary>This process's resident memory from /proc/self/status (Linux): current (VmRSS) and peak (VmHWM), in bytes.</summary>
public static class ProcessMemory
{
    public static bool Available => File.Exists("/proc/self/status");

    public static long CurrentBytes() => Read("VmRSS:");
    public static long PeakBytes() => Read("VmHWM:");

    static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "kB") return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            throw new InvalidDataException($"/proc/self/status: unexpected {field} line '{line}'");
        }
        throw new InvalidDataException($"/proc/self/status has no {field} line");
    }
}
