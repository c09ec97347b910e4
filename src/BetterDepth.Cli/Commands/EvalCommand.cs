using System.CommandLine;
using System.Globalization;
using BetterDepth.Evaluation;
using Spectre.Console;

namespace BetterDepth.Cli.Commands;

/// <summary>
/// <c>betterdepth eval</c>: scores a folder of predictions on a benchmark with Marigold's protocol and writes
/// per_sample_metrics.csv and summary.json to the output folder (only once the whole run succeeded).
/// </summary>
public static class EvalCommand
{
    public const string CsvName = "per_sample_metrics.csv", BaselineCsvName = "baseline_per_sample_metrics.csv", SummaryName = "summary.json";

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"Benchmark ({string.Join(", ", EvaluationDataset.BuiltInNames)}) or a dataset description .json file.",
            Required = true,
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Dataset folder (Marigold's extracted archive; default for a .json dataset: its folder)." };
        var predictions = new Option<string>("--predictions") { Description = "Folder of predictions: a/b/c.npy (or .pfm, 16-bit .png) for the split's RGB a/b/c.jpg, or b/c.npy as `predict a/` writes it.", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "A second folder of predictions (a prior's, say) scored the same way and compared image by image: its means, the mean difference and that difference's standard error." };
        var split = new Option<string?>("--split") { Description = "Split file (default: the dataset's standard one, looked up in --data-dir)." };
        var alignment = new ChoiceOption<AlignmentMode?>("--alignment",
            "Fit of each prediction to the ground truth (auto: least-square-disparity for disparity predictions, least-square for depth; Marigold's least_square names work too).",
            "auto", ("auto", null), ("least-square", AlignmentMode.LeastSquare), ("least-square-disparity", AlignmentMode.LeastSquareDisparity), ("none", AlignmentMode.None));
        var predictionsAre = ChoiceOption.ForEnum("--predictions-are", "What the prediction files hold.", PredictionContent.Disparity);
        var output = new Option<string?>("--output", "-o") { Description = "Output folder (default: eval-<dataset> in the current folder)." };
        var detail = new Option<bool>("--detail") { Description = "Also compute detail metrics (DBE, edge precision/recall); always on for middlebury." };
        var strict = new Option<bool>("--strict") { Description = "Fail on the first missing or unreadable prediction instead of counting it." };
        var jobs = new Option<int>("--jobs") { Description = "Samples evaluated in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("eval", "Evaluate depth predictions against a benchmark's ground truth (Marigold's protocol).");
        foreach (var option in new Option[] { dataset, dataDir, predictions, baseline, split, alignment, predictionsAre, output, detail, strict, jobs })
            command.Options.Add(option);

        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(async ct =>
        {
            var data = EvaluationDataset.Open(parseResult.GetValue(dataset)!, parseResult.GetValue(dataDir), parseResult.GetValue(split));
            var options = new EvaluationOptions
            {
                PredictionsAre = predictionsAre.Value(parseResult),
                Alignment = alignment.Value(parseResult),
                DetailMetrics = parseResult.GetValue(detail) ? true : null,
                Strict = parseResult.GetValue(strict),
                MaxParallelism = parseResult.GetValue(jobs),
            };
            if (options.PredictionsAre == PredictionContent.Disparity && options.EffectiveAlignment == AlignmentMode.LeastSquare)
                Console.Error.WriteLine("warning: disparity predictions are inverted to depth and fitted in depth space; the inverse of an " +
                                        "affine-invariant disparity is not affine-invariant depth. Marigold aligns disparity predictors with least-square-disparity (--alignment).");
            var outputDir = parseResult.GetValue(output) ?? $"eval-{data.Name}";

            var report = await ProgressBars.RunAsync($"eval {data.Name}",
                progress => Task.Run(() => Evaluator.Run(data, parseResult.GetValue(predictions)!, options, progress, ct), ct));
            report.CommandLine = "betterdepth " + string.Join(" ", parseResult.Tokens.Select(t => Quote(t.Value)));
            EvaluationReport? other = null;
            if (parseResult.GetValue(baseline) is { } baselineDir && report.EvaluatedCount > 0)
            {
                other = await ProgressBars.RunAsync($"eval {data.Name} baseline",
                    progress => Task.Run(() => Evaluator.Run(data, baselineDir, options, progress, ct), ct));
                if (other.EvaluatedCount == 0)
                {
                    Console.Error.WriteLine($"error: {baselineDir}: no baseline sample could be evaluated (wrong --baseline folder?)");
                    return CommandRunner.ExitBadInput;
                }
                report.Baseline = PairedComparison.Of(report, other);
            }

            Directory.CreateDirectory(outputDir);
            report.WriteCsv(Path.Combine(outputDir, CsvName));
            other?.WriteCsv(Path.Combine(outputDir, BaselineCsvName));
            report.WriteJson(Path.Combine(outputDir, SummaryName));
            Show(report, outputDir);
            if (report.EvaluatedCount == 0)
            {
                Console.Error.WriteLine($"error: no sample could be evaluated (wrong --predictions folder?); see {Path.Combine(outputDir, SummaryName)}");
                return CommandRunner.ExitBadInput;
            }
            return 0;
        }, ct));
        return command;
    }

    static string Quote(string token) => token.Contains(' ') ? $"\"{token}\"" : token;

    const int ListedSkips = 20;

    static void Show(EvaluationReport report, string outputDir)
    {
        foreach (var skipped in report.Skipped.Take(ListedSkips))
            Console.Error.WriteLine($"skipped {skipped.Id}: {OneLine.Escape(skipped.Message)} ({OneLine.Escape(skipped.Path)})");
        if (report.Skipped.Count > ListedSkips)
            Console.Error.WriteLine($"... and {report.Skipped.Count - ListedSkips} more skipped samples (listed in {SummaryName})");

        AnsiConsole.WriteLine($"{report.Dataset}: {report.EvaluatedCount} evaluated, {report.MissingCount} missing, {report.UnreadableCount} unreadable, " +
                              $"{report.NoValidPixelsCount} without valid pixels; alignment {AlignmentNames.ToName(report.Alignment)}");
        var table = new Table();
        table.AddColumn("metric");
        table.AddColumn(new TableColumn("mean").RightAligned());
        table.AddColumn(new TableColumn("± s.e.").RightAligned());
        var b = report.Baseline;
        if (b is not null)
            foreach (var heading in new[] { "baseline", "difference", "± s.e." }) table.AddColumn(new TableColumn(heading).RightAligned());
        var errors = report.StandardErrors;
        foreach (var name in report.MetricNames)
        {
            var cells = new List<string> { Markup.Escape(name), Number(report.Means[name]), Number(errors[name]) };
            if (b is not null)
                cells.AddRange(b.Differences.ContainsKey(name)
                    ? [Number(b.BaselineMeans[name]), Number(b.Differences[name], signed: true), Number(b.DifferenceStandardErrors[name])]
                    : ["", "", ""]);
            table.AddRow([.. cells]);
        }
        AnsiConsole.Write(table);
        if (b is not null)
            AnsiConsole.WriteLine($"baseline {b.BaselinePredictionsDir}: {b.PairedCount} images in both; difference = these predictions minus the baseline, image by image");
        AnsiConsole.MarkupLine(Markup.Escape($"{report.SamplesPerSecond:0.0} samples/s; wrote {Path.Combine(outputDir, CsvName)}{(b is null ? "" : ", " + BaselineCsvName)} and {SummaryName}"));
    }

    static string Number(double value, bool signed = false) =>
        !double.IsFinite(value) ? "" : value.ToString(signed ? "+0.0000;-0.0000;0.0000" : "0.0000", CultureInfo.InvariantCulture);
}
