using System.CommandLine;
using BetterDepth.Compute;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Refinement.Sharding;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth predict</c>: refine the depth of images with a prior and a trained refiner.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("images") { Description = "Image files or folders (.png, .jpg); folders are walked and their tree is mirrored in the output", Arity = ArgumentArity.ZeroOrMore };
        var inputList = new Option<string?>("--input-list") { Description = "File with one image path per line (read as it goes; relative paths are under --input-root), instead of IMAGES" };
        var inputRoot = new Option<string?>("--input-root") { Description = "Folder the --input-list paths are relative to and whose tree the output mirrors (default: the list file's folder)" };
        var shardOption = new Option<string?>("--shard") { Description = "Process only shard K of N (K/N, 0-based): inputs are assigned by a hash of their relative path, so every input is in exactly one shard" };
        var shardFromEnv = new Option<bool>("--shard-from-env") { Description = "Take the shard index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (N from --shards, else SLURM_ARRAY_TASK_COUNT)" };
        var shardCount = new Option<int?>("--shards") { Description = "Number of shards N for --shard-from-env (needed for Kubernetes and when resubmitting some Slurm indices)" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Skip an image when all the files it would write exist (outputs are written atomically, so existing files are whole)" };
        var manifestDir = new Option<string?>("--manifest-dir") { Description = "Where the shard writes its manifest shard-K-of-N.json (default with a shard: OUTPUT/.shards)" };
        var prior = new Option<string?>("--prior") { Description = "Depth prior: a name (" + string.Join(", ", PriorRegistry.Names) + ") or an ONNX model path (default: the prior the refiner's refiner.json names, else learned)" };
        var refinerPath = new Option<string?>("--refiner") { Description = "Refiner folder (diffusers layout + refiner.json; default: models/refiner)" };
        var steps = new Option<int?>("--steps") { Description = "DDIM steps (default: the refiner's, else 2)" };
        var ensemble = new Option<int?>("--ensemble") { Description = "Ensemble members (default: the refiner's, else 1)" };
        var reduce = ChoiceOption.ForEnum("--reduce", "Ensemble reduction", EnsembleReduction.Median);
        var res = new Option<int?>("--processing-res") { Description = "Long side at which the refiner runs; frames more elongated than 4:3 keep a 4:3 frame's pixel count (0 = input size; default: the refiner's, else its training resolution, else 768)" };
        var layout = new Option<double?>("--prior-layout-sigma") { Description = "Take the refined map's layout below this Gaussian sigma (pixels at the processing resolution) from the prior; 0 = the refiner's output as is (default: the refiner's, else 0)" };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial noise", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch-size") { Description = "Ensemble members per U-Net batch (0 = all)", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var formats = new Option<string>("--formats") { Description = "Comma-separated: npy, png16, color, ply, pfm", DefaultValueFactory = _ => "npy,png16,color" };
        var intrinsics = new Option<string?>("--intrinsics") { Description = "Camera intrinsics JSON {fx, fy, cx, cy} for the point cloud" };
        var savePrior = new Option<bool>("--save-prior") { Description = "Also write the prior's own prediction (NAME_prior.*)" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };

        var command = new Command("predict", "Refine the depth of images: prior -> conditional latent diffusion -> affine-invariant disparity.")
        {
            inputs, prior, refinerPath, steps, ensemble, reduce, res, layout, seed, batch, device, formats, intrinsics, savePrior, output,
            inputList, inputRoot, shardOption, shardFromEnv, shardCount, skipExisting, manifestDir,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var refinerFolder = parse.GetValue(refinerPath) ?? ProjectPaths.DefaultRefiner;
            var settings = new PipelineOptions
            {
                Prior = parse.GetValue(prior),
                Device = parse.GetValue(device)!,
                Steps = parse.GetValue(steps),
                EnsembleSize = parse.GetValue(ensemble),
                Reduction = reduce.Value(parse),
                ProcessingResolution = parse.GetValue(res),
                PriorLayoutSigma = parse.GetValue(layout),
                Seed = parse.GetValue(seed),
                BatchSize = parse.GetValue(batch),
            };
            var writer = new PredictionWriter(OutputFormatsParser.Parse(parse.GetValue(formats)!),
                parse.GetValue(intrinsics) is { } k ? CameraIntrinsics.Load(k) : null, savePrior: parse.GetValue(savePrior));
            var outDir = parse.GetValue(output)!;
            var paths = parse.GetValue(inputs) ?? [];
            var list = parse.GetValue(inputList);
            if (list is null == (paths.Length == 0))
                throw new ArgumentException(list is null ? "give images or folders, or --input-list FILE" : "give either images and folders or --input-list, not both");
            if (list is null && parse.GetValue(inputRoot) is not null) throw new ArgumentException("--input-root goes with --input-list");
            ShardSpec? shard = (parse.GetValue(shardOption), parse.GetValue(shardFromEnv)) switch
            {
                ({ } text, false) => ShardSpec.Parse(text),
                (null, true) => ShardSpec.FromEnvironment(Environment.GetEnvironmentVariable, parse.GetValue(shardCount)),
                (null, false) => null,
                _ => throw new ArgumentException("give --shard K/N or --shard-from-env, not both"),
            };
            if (shard is null && parse.GetValue(shardCount) is not null) throw new ArgumentException("--shards goes with --shard-from-env");
            var manifestFolder = parse.GetValue(manifestDir) ?? (shard is null ? null : Path.Combine(outDir, ShardedPrediction.DefaultManifestFolder));
            // checked before the models load: a typo in a path fails in a second, not after loading weights
            var skipped = new SkippedFiles();
            var source = list is null ? ImageInputs.Stream(paths, skipped) : ImageInputs.FromList(list, parse.GetValue(inputRoot));

            TorchDevice.ConfigureThreads();
            using var pipe = BetterDepthPipeline.FromPretrained(refinerFolder, settings);
            var run = new ShardedPrediction(pipe.AsRefinementPipeline(), writer, shard ?? ShardSpec.Whole, parse.GetValue(skipExisting),
                withUncertainty: pipe.Options.EnsembleSize > 1);

            var title = shard is { } s ? $"predict {s}" : "predict";
            var outcome = await ProgressBars.RunAsync(title, progress => Task.Run(() =>
                run.Run(source, outDir, manifestFolder, CommandRunner.IsUserError, progress, ct), ct));
            if (skipped.Summary() is { } walkNote) Console.Error.WriteLine(walkNote);
            foreach (var (input, error) in outcome.Failed) Console.Error.WriteLine($"skipped: {CommandRunner.Describe(error)}");
            var skippedNote = outcome.SkippedExisting > 0 ? $", {outcome.SkippedExisting} already there" : "";
            var shardNote = shard is { } sh ? $" (shard {sh} of {outcome.InputsSeen} inputs)" : "";
            Console.WriteLine($"refined {outcome.Done} of {outcome.Done + outcome.SkippedExisting + outcome.Failed.Count} images{skippedNote} into {outDir}{shardNote}");
            return outcome.Failed.Count == 0 ? 0 : CommandRunner.ExitBadInput;
        }, ct));
        return command;
    }
}
