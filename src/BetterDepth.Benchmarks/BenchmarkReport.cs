using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BetterDepth.Benchmarks;

/// <param name="OpenMpSpinCount">GOMP_SPINCOUNT as the process started libtorch with (see Compute.OpenMpSpin); null = libgomp's default.</param>
public sealed record ThreadSettings(int TorchIntraOp, int OnnxIntraOp, string? OpenMpSpinCount);

/// <summary>How a quantity grows from the smallest to the largest size, against the pixel ratio (linear = 1.0 per pixel ratio).</summary>
public sealed record GrowthResult(string Config, int FromSize, int ToSize, double PixelRatio, double FlopRatio,
    double UNetTimeRatio, double EndToEndTimeRatio, double? WorkingMemoryRatio);

/// <summary>Everything one bench run measured; written as JSON.</summary>
public sealed record BenchmarkReport(
    string Timestamp,
    bool Quick,
    MachineInfo Machine,
    double LoadAverage1MinAtEnd,
    ThreadSettings Threads,
    IReadOnlyList<MatmulResult> Matmul,
    double AttainableGFlops,
    IReadOnlyList<UNetForwardResult> UNet,
    IReadOnlyList<PipelineResult> Pipeline,
    IReadOnlyList<MemoryResult> Memory,
    IReadOnlyList<GrowthResult> Growth,
    OnnxPriorResult? OnnxPrior,
    TrainingResult Training,
    MemoryStabilityResult? MemoryStability,
    IReadOnlyList<ThroughputResult> Data,
    double TotalSeconds,
    IReadOnlyList<string> Notes)
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <c>bench-TIMESTAMP.json</c> and <c>latest.json</c> into <paramref name="folder"/>; returns the first path.</summary>
    public string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var bytes = System.Text.Encoding.UTF8.GetBytes(ToJson() + "\n");
        var path = Path.Combine(folder, $"bench-{Timestamp.Replace(":", "").Replace("-", "")}.json");
        AtomicFile.WriteAllBytes(path, bytes);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "latest.json"), bytes);
        return path;
    }
}
