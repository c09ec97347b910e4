using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>What one <c>betterdepth bench</c> run measures and how hard it tries.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Square image sizes in pixels (the latent is size / 4 for the pixel-unshuffle autoencoder).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [256, 512, 768];
    /// <summary>Model settings (configs/models/NAME.json).</summary>
    public IReadOnlyList<string> Configs { get; init; } = ["tiny", "small"];
    /// <summary>Fewer repetitions and smaller side measurements: a smoke run of about a minute.</summary>
    public bool Quick { get; init; }
    /// <summary>libtorch intra-op threads and ONNX Runtime intra-op threads.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Steps { get; init; } = 2;
    /// <summary>An ONNX depth model to time as the prior; none = the shipped learned prior, exported to ONNX for the run.</summary>
    public string? OnnxModel { get; init; }
    /// <summary>
    /// A trained refiner folder (e.g. models/refiner): the model setting it was trained as is timed with its weights,
    /// the others with random ones. Compute does not depend on the weights, but writing does: a trained refiner's
    /// smooth maps are what <c>predict</c> writes, an untrained one's noise-like maps take longer to compress.
    /// </summary>
    public string? Refiner { get; init; }
    /// <summary>Scratch space for written predictions and the small evaluation set; deleted afterwards.</summary>
    public required string ScratchDir { get; init; }
    /// <summary>How to start a memory-probe child; null = no memory figures.</summary>
    public ChildCommand? MemoryProbe { get; init; }
    public Device Device { get; init; } = CPU;

    public IReadOnlyList<int> MatmulSizes => Quick ? [256, 512, 1024] : [256, 512, 1024, 2048];
    public double MinSeconds => Quick ? 0.2 : 1.0;
    public int PipelineRuns => Quick ? 2 : 3;
    public int TrainingIterations => Quick ? 3 : 10;
    public int SyntheticScenes => Quick ? 4 : 24;
    public int EvaluationScenes => Quick ? 8 : 48;
    /// <summary>Images in the memory-stability run (issue 6: memory flat over 1,000 images).</summary>
    public int StabilityImages => Quick ? 100 : 1000;

    public void Validate()
    {
        if (Sizes.Count == 0 || Sizes.Any(s => s < 16 || s % 16 != 0)) throw new ArgumentException($"--sizes must be multiples of 16 (>= 16), got {string.Join(",", Sizes)}");
        if (Configs.Count == 0) throw new ArgumentException("--configs needs at least one model setting");
        if (Threads < 1) throw new ArgumentException($"--threads must be >= 1, got {Threads}");
        if (Steps < 1) throw new ArgumentException($"--steps must be >= 1, got {Steps}");
        if (Refiner is not null && !Directory.Exists(Refiner)) throw new DirectoryNotFoundException($"--refiner: folder not found: {Refiner}");
        if (OnnxModel is not null && !File.Exists(OnnxModel)) throw new FileNotFoundException($"--prior: file not found: {OnnxModel}", OnnxModel);
    }
}
