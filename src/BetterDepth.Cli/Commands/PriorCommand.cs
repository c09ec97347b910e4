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
            Description = "Comma-separated: npy, png16, color, ply, pfm (written as predict writes them)",
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
            var writer = new PredictionWriter(OutputFormatsParser.Parse(parse.GetValue(formats)!));
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
                        writer.WriteMap(Path.Combine(outDir, inputs[i].RelativeStem), image, prediction);
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
}
