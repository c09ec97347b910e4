using System.CommandLine;
using System.Globalization;
using BetterDepth.Compute;
using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Priors.Learned;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;
using BetterDepth.Training.Priors;
using Spectre.Console;

namespace BetterDepth.Cli.Commands;

/// <summary>
/// <c>betterdepth demo</c>: the main job on the default weights. Renders held-out synthetic scenes, runs the
/// default prior and refiner, evaluates both, writes the outputs and a montage, prints prior vs refined.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for scenes, predictions, montage and reports", DefaultValueFactory = _ => "demo-output" };
        var count = new Option<int>("--count") { Description = "Held-out synthetic scenes to render", DefaultValueFactory = _ => 24 };
        var size = new Option<string>("--size") { Description = "Scene size WxH (the default weights were trained at 256x192)", DefaultValueFactory = _ => "256x192" };
        var seed = new Option<long>("--seed") { Description = "Scene seed (the default models were trained on seeds 2026 and 4242: any other seed gives unseen scenes)", DefaultValueFactory = _ => 777 };
        var prior = new Option<string?>("--prior") { Description = "Prior spec (default: the refiner's own, from its refiner.json; else the project's learned CNN prior)" };
        var refiner = new Option<string?>("--refiner") { Description = "Refiner folder (default: models/refiner)" };
        var steps = new Option<int>("--steps") { Description = "DDIM steps", DefaultValueFactory = _ => 2 };
        var ensemble = new Option<int>("--ensemble") { Description = "Ensemble members (Marigold's median ensembling; the paper's default setting is 10)", DefaultValueFactory = _ => 1 };
        var layout = new Option<double?>("--prior-layout-sigma") { Description = "Take the refined map's layout below this Gaussian sigma (pixels) from the prior; 0 = the refiner's output as is (default: the refiner's refiner.json)" };
        var command = new Command("demo", "Refine held-out synthetic scenes with the default prior and refiner; print prior vs refined.")
        {
            output, count, size, seed, prior, refiner, steps, ensemble, layout,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var (width, height) = SynthCommand.ParseSize(parse.GetValue(size)!);
            var refinerPath = parse.GetValue(refiner) ?? ProjectPaths.DefaultRefiner;
            AnsiConsole.MarkupLine("[bold]BetterDepth demo[/]: the default weights are small models this project trained on its own " +
                                   "[yellow]synthetic scenes[/] (no pretrained weights can be downloaded here). They show the method, not real-world quality.");
            AnsiConsole.MarkupLine("For real images use a real prior: [grey]betterdepth predict IMAGES --prior depth-anything-v2:model.onnx -o out[/] " +
                                   "(the default refiner has seen only synthetic scenes; `betterdepth train` makes others).");
            if (!Directory.Exists(refinerPath))
                throw new DirectoryNotFoundException($"{refinerPath}: default refiner not found; train one with `betterdepth train --config configs/train/default.json` or pass --refiner");

            var scenes = Path.Combine(outDir, "scenes");
            if (Directory.Exists(scenes)) Directory.Delete(scenes, recursive: true);
            await ProgressBars.RunAsync("rendering held-out scenes", p => Task.Run(() =>
                SyntheticDataset.Write(scenes, new SyntheticDatasetOptions(parse.GetValue(count), width, height, parse.GetValue(seed), SceneKind.Mixed), p, ct), ct));

            TorchDevice.ConfigureThreads();
            var dataset = EvaluationDataset.Open(Path.Combine(scenes, "dataset.json"), null, Path.Combine(scenes, "all.txt"));
            // A refiner is measured on the prior it names, as predict runs it: a refiner fine-tuned on another prior
            // would otherwise be scored on the default one without a word.
            var refinerDefaults = RefinerDefaults.Read(refinerPath);
            var priorSpec = PipelineOptions.PriorSpec(parse.GetValue(prior), refinerDefaults);
            using var depthPrior = TrainingPriors.Create(priorSpec, dataset.GroundTruthByRgbPath());
            using var model = RefinerModel.Load(refinerPath, TorchDevice.Parse("cpu"));
            var options = new RefinementOptions
            {
                Steps = parse.GetValue(steps), EnsembleSize = parse.GetValue(ensemble), ProcessingResolution = 0, Seed = 0,
                PriorLayoutSigma = parse.GetValue(layout) ?? refinerDefaults.PriorLayoutSigma ?? 0,
            };
            options.Validate();
            var result = await ProgressBars.RunAsync("prior + refiner", p => Task.Run(() =>
                RefinementExperiment.Run(dataset, depthPrior, model, options, Path.Combine(outDir, "predictions"), montageRows: 6, p, ct), ct));

            var montagePath = Path.Combine(outDir, "montage.png");
            ImageFile.WritePng(montagePath, ComparisonMontage.Render(result.MontageRows));
            // refined_summary.json records the table's change rows under "baseline".
            result.Refined.Baseline = PairedComparison.Of(result.Refined, result.Prior);
            result.Prior.WriteJson(Path.Combine(outDir, "prior_summary.json"));
            result.Refined.WriteJson(Path.Combine(outDir, "refined_summary.json"));
            PrintTable(result.Refined.Baseline, priorSpec);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{result.SecondsPerImage:F2} s per image (prior + {options.Steps} DDIM steps x {options.EnsembleSize} member(s){(options.PriorLayoutSigma > 0 ? $", prior layout below sigma {options.PriorLayoutSigma} px" : "")}) on {Environment.ProcessorCount} cores."));
            AnsiConsole.MarkupLine($"Outputs in [blue]{Markup.Escape(outDir)}[/]: montage.png (image, ground truth, prior, refined, their errors), predictions/, *_summary.json.");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>Short labels, so that the table fits 80 columns; the arrow says which way is better.</summary>
    static readonly (string Key, string Label, bool Percent)[] Columns =
    [
        (DepthMetrics.AbsRel, "AbsRel%↓", true), (DepthMetrics.Delta1, "δ1%↑", true),
        (DetailMetrics.DbeAccuracy, "DBE acc↓", false), (DetailMetrics.DbeCompleteness, "DBE comp↓", false),
        (DetailMetrics.EdgePrecision, "edge P%↑", true), (DetailMetrics.EdgeRecall, "edge R%↑", true),
    ];

    static void PrintTable(PairedComparison refinedAgainstPrior, string priorSpec)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"prior: {Describe(priorSpec)}; refined: BetterDepth on it"));
        AnsiConsole.Write(Table(refinedAgainstPrior));
    }

    /// <summary>The prior as a user would name it: a refiner's default spec carries an absolute path.</summary>
    static string Describe(string priorSpec)
    {
        var parts = priorSpec.Split(':', 2);
        if (parts is not [var kind, var path] || !Path.IsPathRooted(path))
            return priorSpec == PipelineOptions.FallbackPrior ? ShippedPrior : priorSpec;
        var shipped = Path.Combine(ProjectPaths.Root, LearnedPrior.DefaultWeights);
        return kind == "learned" && LearnedPrior.ResolveWeights(path) == shipped
            ? ShippedPrior : $"{kind}:{Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}";
    }

    const string ShippedPrior = "the project's learned CNN";

    /// <summary>
    /// Prior and refined, one row each, then the change image by image and its standard error: on a few dozen scenes
    /// the error says whether a change is the refiner's or the draw of scenes.
    /// </summary>
    public static Table Table(PairedComparison refinedAgainstPrior)
    {
        var table = new Table()
            .Title($"{refinedAgainstPrior.PairedCount} held-out synthetic scenes, least squares in disparity space")
            .Caption("↓ lower is better, ↑ higher is better; DBE in px; change: refined - prior");
        table.AddColumn("");
        foreach (var c in Columns) table.AddColumn(new TableColumn(c.Label).RightAligned());
        foreach (var (name, values, format) in new[]
                 {
                     ("prior", refinedAgainstPrior.BaselineMeans, "F2"), ("refined", refinedAgainstPrior.CandidateMeans, "F2"),
                     ("change", refinedAgainstPrior.Differences, "+0.00;-0.00;0.00"), ("± s.e.", refinedAgainstPrior.DifferenceStandardErrors, "F2"),
                 })
            table.AddRow([name, .. Columns.Select(c => Format(values, c.Key, c.Percent, format))]);
        return table;
    }

    static string Format(MetricValues values, string key, bool percent, string format) =>
        values.TryGetValue(key, out var v) && double.IsFinite(v) ? (percent ? v * 100 : v).ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
