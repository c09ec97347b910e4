using System.CommandLine;
using BetterDepth.Compute;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth predict</c>: refine the depth of images with a prior and a trained refiner.</summary>
public static class PredictCommand
{
    /// <summary>Marigold's processing resolution, for refiners that do not record their own.</summary>
    const int DefaultProcessingResolution = 768;

    public static Command Create()
    {
        var inputs = new Argument<string[]>("images") { Description = "Image files or folders (.png, .jpg)", Arity = ArgumentArity.OneOrMore };
        var prior = new Option<string>("--prior") { Description = "Depth prior: a name (" + string.Join(", ", PriorRegistry.Names) + ") or an ONNX model path", DefaultValueFactory = _ => "learned" };
        var refinerPath = new Option<string?>("--refiner") { Description = "Refiner folder (diffusers layout + refiner.json; default: models/refiner)" };
        var steps = new Option<int>("--steps") { Description = "DDIM steps", DefaultValueFactory = _ => 2 };
        var ensemble = new Option<int>("--ensemble") { Description = "Ensemble members", DefaultValueFactory = _ => 1 };
        var reduce = new Option<string>("--reduce") { Description = "Ensemble reduction: median or mean", DefaultValueFactory = _ => "median" };
        var res = new Option<int?>("--processing-res") { Description = "Long side at which prior and refiner run (0 = input size; default: the refiner's training resolution, else 768)" };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial noise", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch-size") { Description = "Ensemble members per U-Net batch (0 = all)", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var formats = new Option<string>("--formats") { Description = "Comma-separated: npy, png16, color, ply, pfm", DefaultValueFactory = _ => "npy,png16,color" };
        var intrinsics = new Option<string?>("--intrinsics") { Description = "Camera intrinsics JSON {fx, fy, cx, cy} for the point cloud" };
        var savePrior = new Option<bool>("--save-prior") { Description = "Also write the prior's own prediction (NAME_prior.*)" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };

        var command = new Command("predict", "Refine the depth of images: prior -> conditional latent diffusion -> affine-invariant disparity.")
        {
            inputs, prior, refinerPath, steps, ensemble, reduce, res, seed, batch, device, formats, intrinsics, savePrior, output,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var refinerFolder = parse.GetValue(refinerPath) ?? ProjectPaths.DefaultRefiner;
            var options = new RefinementOptions
            {
                Steps = parse.GetValue(steps),
                EnsembleSize = parse.GetValue(ensemble),
                Reduction = parse.GetValue(reduce)!.ToLowerInvariant() switch
                {
                    "median" => EnsembleReduction.Median,
                    "mean" => EnsembleReduction.Mean,
                    var r => throw new ArgumentException($"--reduce must be median or mean, got '{r}'"),
                },
                ProcessingResolution = parse.GetValue(res) ?? RefinerModel.TrainedLongSide(refinerFolder) ?? DefaultProcessingResolution,
                Seed = parse.GetValue(seed),
                BatchSize = parse.GetValue(batch),
            };
            options.Validate();
            var writer = new PredictionWriter(OutputFormatsParser.Parse(parse.GetValue(formats)!),
                parse.GetValue(intrinsics) is { } k ? CameraIntrinsics.Load(k) : null, savePrior: parse.GetValue(savePrior));
            var images = ImageInputs.Expand(parse.GetValue(inputs)!);
            var outDir = parse.GetValue(output)!;

            TorchDevice.ConfigureThreads();
            using var depthPrior = PriorRegistry.Create(parse.GetValue(prior)!);
            using var refiner = RefinerModel.Load(refinerFolder, TorchDevice.Parse(parse.GetValue(device)!));
            var pipeline = new RefinementPipeline(depthPrior, refiner, options);

            var outcome = await ProgressBars.RunAsync("predict", progress => Task.Run(() =>
                new PredictionBatch(pipeline, writer).Run(images, outDir, CommandRunner.IsUserError, progress, ct), ct));
            foreach (var (input, error) in outcome.Skipped) Console.Error.WriteLine($"skipped: {OneLine.Escape(error.Message)}");
            Console.WriteLine($"refined {outcome.Written} of {images.Count} images into {outDir}");
            int failed = outcome.Skipped.Count;
            return failed == 0 ? 0 : CommandRunner.ExitBadInput;
        }, ct));
        return command;
    }
}
