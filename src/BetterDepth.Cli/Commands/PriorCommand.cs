using System.CommandLine;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Cli.Commands;

/// <summary>
/// <c>betterdepth prior [--prior SPEC] IMAGE... -o DIR</c>: runs a depth prior (ONNX export, precomputed files, ...)
/// on images and writes its affine-invariant prediction in the requested formats. Unreadable images are reported and
/// skipped; the exit code is 2 if any was.
/// </summary>
public static class PriorCommand
{
    static readonly string[] KnownFormats = ["npy", "pfm", "png16", "color"];

    public static Command Create()
    {
        var priorSpec = new Option<string>("--prior")
        {
            Description = "Prior spec: NAME:ARGUMENT (" + string.Join(", ", PriorRegistry.Names) + "), a .onnx file (preset inferred) or a folder of predictions (default: the shipped learned prior)",
            DefaultValueFactory = _ => "learned",
        };
        var images = new Argument<string[]>("images") { Description = "Input images (PNG or JPEG) or folders of them (walked recursively; outputs mirror the tree)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var formats = new Option<string>("--formats")
        {
            Description = "Comma-separated: npy (float32), pfm, png16 (min..max stretched to 0..65535), color (Spectral PNG)",
            DefaultValueFactory = _ => "npy,color",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "ONNX Runtime intra-op threads",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var cache = new Option<string?>("--cache") { Description = "Cache predictions in this folder (keyed by image content and prior)" };
        var fileKind = ChoiceOption.ForEnum("--file-kind", "What precomputed prediction files hold (file prior)", DepthKind.AffineDisparity);

        var command = new Command("prior", "Run a monocular depth prior on images and write its predictions.");
        foreach (var o in new Option[] { priorSpec, output, formats, threads, cache, fileKind }) command.Options.Add(o);
        command.Arguments.Add(images);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var wanted = ParseFormats(parse.GetValue(formats)!);
            var skipped = new SkippedFiles();
            var inputs = ImageInputs.Expand(parse.GetValue(images)!, skipped);
            if (skipped.Summary() is { } walkNote) Console.Error.WriteLine(walkNote);
            var outDir = parse.GetValue(output)!;
            var options = new PriorOptions
            {
                Threads = parse.GetValue(threads),
                CacheFolder = parse.GetValue(cache),
                FileKind = fileKind.Value(parse),
            };
            using var prior = PriorRegistry.Create(parse.GetValue(priorSpec)!, options);
            Directory.CreateDirectory(outDir);

            var failures = await ProgressBars.RunAsync($"prior {prior.Name}", progress => Task.Run(() =>
            {
                var failed = new List<string>();
                for (int i = 0; i < inputs.Count; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    progress.Report(new WorkProgress(i, inputs.Count, Path.GetFileName(inputs[i].Path)));
                    try
                    {
                        var image = ImageFile.ReadRgb(inputs[i].Path);
                        var prediction = prior.Predict(image, inputs[i].Path, ct);
                        var stem = Path.Combine(outDir, inputs[i].RelativeStem);
                        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
                        Write(prediction, stem, wanted);
                    }
                    catch (Exception e) when (e is InvalidFileException or FileNotFoundException or DirectoryNotFoundException)
                    {
                        failed.Add(CommandRunner.Describe(e)); // names the file
                    }
                    progress.Report(new WorkProgress(i + 1, inputs.Count));
                }
                return failed;
            }, ct));

            foreach (var f in failures) Console.Error.WriteLine($"skipped {f}");
            Console.WriteLine($"{inputs.Count - failures.Count} of {inputs.Count} images written to {outDir} ({prior.OutputKind})");
            return failures.Count == 0 ? 0 : CommandRunner.ExitBadInput;
        }, ct));
        return command;
    }

    static string[] ParseFormats(string list)
    {
        var formats = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).Distinct().ToArray();
        var unknown = formats.Except(KnownFormats).ToList();
        if (formats.Length == 0 || unknown.Count > 0)
            throw new ArgumentException($"--formats: unknown '{string.Join(", ", unknown)}'; use {string.Join(", ", KnownFormats)}");
        return formats;
    }

    /// <summary>Each format goes through an atomic writer of the Imaging module.</summary>
    static void Write(DepthMap prediction, string stem, string[] formats)
    {
        foreach (var format in formats)
        {
            switch (format)
            {
                case "npy": DepthFile.WriteNpy(stem + ".npy", prediction); break;
                case "pfm": DepthFile.WritePfm(stem + ".pfm", prediction); break;
                case "png16": WriteStretchedPng16(stem + "_16bit.png", prediction); break;
                case "color": DepthFile.WriteColorPng(stem + "_color.png", prediction); break;
            }
        }
    }

    /// <summary>Affine-invariant values have no unit: map min..max onto the full 16-bit range.</summary>
    static void WriteStretchedPng16(string path, DepthMap map)
    {
        float min = map.Values.Min(), max = map.Values.Max();
        double span = Math.Max(max - min, 1e-12);
        var shifted = new DepthMap(map.Width, map.Height, map.Kind, Array.ConvertAll(map.Values, v => v - min));
        DepthFile.WritePng16(path, shifted, 65535 / span);
    }
}
