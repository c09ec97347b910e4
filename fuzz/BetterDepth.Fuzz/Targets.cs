using System.Text;
using BetterDepth.Cli;
using BetterDepth.Diffusion;
using BetterDepth.Evaluation.Datasets;
using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Fuzz;

/// <summary>How one input ended: decoded, refused the way the README promises, or a crash (anything else).</summary>
public enum Outcome { Accepted, Refused }

/// <summary>An input the reader neither accepted nor refused as the README promises: the fuzzer's oracle failed.</summary>
public sealed class FuzzCrash(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One fuzz target per reader or config parser. Each runs the library's public entry point on the bytes (written to a
/// scratch file where the entry point takes a path) and applies the oracle: the only acceptable failure is one the CLI
/// maps to exit 2 (<see cref="CommandRunner.IsUserError"/>: InvalidFileException, ArgumentException, FileNotFoundException,
/// ...), whose message is one line and names the file. Any other exception, a multi-line message, or a message that does
/// not name the file is a crash. Memory is bounded outside (DOTNET_GCHeapHardLimit, the driver's child RSS limit).
/// </summary>
public static class Targets
{
    /// <summary>A reader under test: Run gets the input and the path it is known by (the file a path-taking reader reads);
    /// with <paramref name="Folder"/>, the file lives in that folder and an error may name the folder instead.</summary>
    public sealed record Target(string Name, string Description, Action<byte[], string> Run, string FileName, string? Folder = null);

    static readonly Lazy<string> Scratch = new(() =>
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var dir = Path.Combine(root, $"betterdepth-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    });

    /// <summary>Writes the input where a path-taking reader expects it; returns the path.</summary>
    static string ToFile(byte[] bytes, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static readonly Target[] All =
    [
        new("png", "PNG as a 16-bit depth map (DepthFile.DecodePng16) and as RGB (ImageFile.DecodeRgb)", (b, name) =>
        {
            Refusable(() => DepthFile.DecodePng16(b, name, 0.001), name);
            ImageFile.DecodeRgb(b, name);
        }, "input.png"),
        new("jpeg", "JPEG through StbImageSharp (ImageFile.DecodeRgb, with the frame-size check before decoding)", (b, name) => ImageFile.DecodeRgb(b, name), "input.jpg"),
        new("pfm", "PFM depth map (Pfm.Decode)", (b, name) => Pfm.Decode(b, name), "input.pfm"),
        new("npy", "NPY array and depth map (Npy.Decode, then DepthFile.DecodeNpy's shape and finiteness checks)", (b, name) =>
        {
            var array = Npy.Decode(b, name);
            Npy.ImageShape(array, name);
            DepthFile.DecodeNpy(b, name, DepthKind.Depth);
        }, "input.npy"),
        new("safetensors", "safetensors header and data (SafeTensorsFile.Open, then every tensor of at most 1M elements read)", (b, name) =>
        {
            var path = ToFile(b, name);
            using var file = SafeTensorsFile.Open(path);
            foreach (var entry in file.Entries.Values)
                if (entry.ElementCount <= 1 << 20) file.Read(entry.Name).Dispose();
        }, "weights.safetensors"),
        new("unet-config", "diffusers unet/config.json (UNetConfig.Parse)", (b, name) => UNetConfig.Parse(Text(b), name), "config.json"),
        new("vae-config", "diffusers vae/config.json (DiffusionModelConfig.AutoencoderLayout)", (b, name) => DiffusionModelConfig.AutoencoderLayout(Text(b), name), "config.json"),
        new("model-config", "model settings configs/models/NAME.json (DiffusionModelConfig.Parse)", (b, name) => DiffusionModelConfig.Parse(Text(b), name), "model.json"),
        new("refiner-json", "a refiner folder's refiner.json (TrainedModelSetting, RefinerDefaults.Read, then RefinerModel.Load of a folder holding only it)", (b, name) =>
        {
            var path = ToFile(b, name);
            var folder = Path.GetDirectoryName(path)!;
            Refusable(() => RefinerModel.TrainedModelSetting(folder), path);
            Refusable(() => RefinerDefaults.Read(folder), path);
            RefinerModel.Load(folder, CPU).Dispose();
        }, RefinerModel.ManifestName, Folder: "refiner"),
        new("train-config", "refiner training config (RefinerTrainingConfig.Load)", (b, name) => RefinerTrainingConfig.Load(ToFile(b, name)), "train.json"),
        new("dataset-json", "user dataset description dataset.json (DatasetDescription.Load, then ToProtocol)", (b, name) =>
        {
            var path = ToFile(b, name);
            DatasetDescription.Load(path).ToProtocol(path);
        }, "dataset.json"),
    ];

    public static Target Find(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>Runs one input; throws <see cref="FuzzCrash"/> when the oracle fails.</summary>
    public static Outcome Run(Target target, byte[] input)
    {
        var name = Path.Combine(Scratch.Value, target.Folder ?? "", target.FileName);
        try
        {
            target.Run(input, name);
            return Outcome.Accepted;
        }
        catch (FuzzCrash) { throw; }
        catch (Exception e)
        {
            Check(e, name, target.Folder is null ? null : Path.GetDirectoryName(name));
            return Outcome.Refused;
        }
    }

    /// <summary>Runs a step whose refusal is checked but does not stop the next step of the same target.</summary>
    static void Refusable(Action step, string file)
    {
        try { step(); }
        catch (Exception e) when (e is not FuzzCrash) { Check(e, file, null); }
    }

    static void Refusable<T>(Func<T> step, string file) => Refusable(() => { step(); }, file);

    static void Check(Exception e, string file, string? folder)
    {
        if (!CommandRunner.IsUserError(e))
            throw new FuzzCrash($"{e.GetType().FullName} would exit 1 with a stack trace", e);
        if (e.Message.Contains('\n') || e.Message.Contains('\r'))
            throw new FuzzCrash($"{e.GetType().Name}'s message is not one line", e);
        if (!e.Message.Contains(OneLine.Escape(file)) && (folder is null || !e.Message.Contains(OneLine.Escape(folder))))
            throw new FuzzCrash($"{e.GetType().Name}'s message does not name the file {file}", e);
    }
}
