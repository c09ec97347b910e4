using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>
/// Peak memory of one <c>predict</c> at one size. A process's peak RSS (VmHWM) cannot be reset, so each
/// (model, size) runs in a child process of its own: baseline = RSS once the model is built, peak = VmHWM
/// after one image; working memory = peak - baseline, the part that should grow with the pixel count.
/// </summary>
public sealed record MemoryResult(string Config, int ImageSize, long BaselineBytes, long PeakBytes)
{
    public long WorkingBytes => PeakBytes - BaselineBytes;
    public double Megapixels => ImageSize * (double)ImageSize / 1e6;
    public double WorkingMiBPerMegapixel => WorkingBytes / 1048576.0 / Megapixels;
}

/// <summary>How to start this program again as a memory-probe child: the executable and the arguments before the probe's own.</summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> LeadingArguments);

public static class MemoryProbe
{
    const string Marker = "BETTERDEPTH-MEMORY ";

    /// <summary>The child's side: builds the refiner, runs one image, prints one marked JSON line.</summary>
    public static MemoryResult RunHere(string config, int imageSize, int steps, int threads, Device device, TextWriter output)
    {
        set_num_threads(threads);
        using var refiner = RefinerModel.Create(ModelConfigs.Load(config), Conditioning.ImageAndDepth, SchedulerConfig.MarigoldV1_1, 0, device);
        refiner.Unet.eval();
        using var prior = new SmoothImagePrior();
        var image = Synthetic.SceneRenderer.Render(imageSize, Synthetic.SceneKind.Indoor, imageSize, imageSize).Image;
        GC.Collect();
        long baseline = ProcessMemory.CurrentBytes();
        new RefinementPipeline(prior, refiner, new RefinementOptions { Steps = steps, ProcessingResolution = imageSize }).Run(image);
        var result = new MemoryResult(config, imageSize, baseline, ProcessMemory.PeakBytes());
        output.WriteLine(Marker + JsonSerializer.Serialize(new[] { result.BaselineBytes, result.PeakBytes }));
        output.Flush();
        return result;
    }

    /// <summary>The parent's side: starts the child with <c>--memory-probe CONFIG:SIZE</c> and reads its line.</summary>
    public static MemoryResult RunChild(ChildCommand command, string config, int imageSize, int steps, int threads, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(command.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.LeadingArguments) info.ArgumentList.Add(a);
        foreach (var a in (string[])["--memory-probe", $"{config}:{imageSize}", "--steps", steps.ToString(CultureInfo.InvariantCulture),
                     "--threads", threads.ToString(CultureInfo.InvariantCulture)])
            info.ArgumentList.Add(a);
        using var child = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command.FileName}");
        var stderr = child.StandardError.ReadToEndAsync(ct);
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"memory probe {config}:{imageSize} gave no result (exit {child.ExitCode}): {stderr.Result.Trim()}");
        var values = JsonSerializer.Deserialize<long[]>(line[Marker.Length..])!;
        return new MemoryResult(config, imageSize, values[0], values[1]);
    }

    /// <summary>Parses the child's <c>CONFIG:SIZE</c> argument.</summary>
    public static (string Config, int Size) ParseSpec(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            throw new ArgumentException($"--memory-probe must be CONFIG:SIZE (e.g. tiny:512), got '{spec}'");
        return (parts[0], size);
    }
}
