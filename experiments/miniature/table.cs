// Builds the miniature-experiment tables (docs/REPRODUCTION.md) from runs/miniature/eval/NAME/PRIOR/seedS/*_summary.json,
// written by `betterdepth demo`. Usage: dotnet run experiments/miniature/table.cs -- runs/miniature/eval
using System.Globalization;
using System.Text.Json;

var root = args.Length > 0 ? args[0] : "runs/miniature/eval";
if (!Directory.Exists(root)) { Console.Error.WriteLine($"{root}: no evaluations (run experiments/miniature/run.sh)"); return 2; }

(string Key, string Label, double Scale)[] columns =
[
    ("abs_rel", "AbsRel %", 100), ("delta1", "delta1 %", 100), ("dbe_acc", "DBE_acc px", 1), ("dbe_comp", "DBE_comp px", 1),
    ("edge_precision", "edge P %", 100), ("edge_recall", "edge R %", 100),
];

// metrics of one summary file, or null when the evaluation has not run
Dictionary<string, double>? Read(string path)
{
    if (!File.Exists(path)) return null;
    using var doc = JsonDocument.Parse(File.ReadAllText(path));
    var metrics = doc.RootElement.GetProperty("metrics");
    return columns.ToDictionary(c => c.Key, c => metrics.TryGetProperty(c.Key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN);
}

// A prior's own score is the same in every run's folder (same prior, same scenes): AnyRun takes it from the first run that has it.
const string AnyRun = "*";
string SummaryPath(string name, string prior, string seed, string file) => name != AnyRun
    ? Path.Combine(root, name, prior, seed, file)
    : Directory.GetDirectories(root).Order().Select(d => Path.Combine(d, prior, seed, file)).FirstOrDefault(File.Exists) ?? "";

string[] seeds = ["seed2026", "seed2027"];
string Cell(IEnumerable<Dictionary<string, double>?> runs, string key, double scale)
{
    var values = runs.Where(r => r is not null).Select(r => r![key] * scale).Where(double.IsFinite).ToList();
    return values.Count == 0 ? "-" : string.Join(" / ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}

void Table(string title, IEnumerable<(string Label, string Name, string Prior, string File)> rows)
{
    Console.WriteLine($"### {title}\n");
    Console.WriteLine("Each cell: test set seed 2026 / seed 2027 (100 held-out scenes each).\n");
    Console.WriteLine("| | " + string.Join(" | ", columns.Select(c => c.Label)) + " |");
    Console.WriteLine("|---|" + string.Concat(columns.Select(_ => "---|")));
    foreach (var (label, name, prior, file) in rows)
    {
        var runs = seeds.Select(s => Read(SummaryPath(name, prior, s, file))).ToList();
        Console.WriteLine($"| {label} | " + string.Join(" | ", columns.Select(c => Cell(runs, c.Key, c.Scale))) + " |");
    }
    Console.WriteLine();
}

Table("Ablation (tiny U-Net, 2000 iterations, learned CNN prior)",
[
    ("prior alone (learned CNN)", AnyRun, "learned", "prior_summary.json"),
    ("image only (no depth conditioning)", "image-only", "learned", "refined_summary.json"),
    ("+ depth conditioning", "depth-conditioning", "learned", "refined_summary.json"),
    ("+ global pre-alignment", "pre-alignment", "learned", "refined_summary.json"),
    ("+ local patch masking (full), training seed 7", "full-seed7", "learned", "refined_summary.json"),
    ("+ local patch masking (full), training seed 8", "full-seed8", "learned", "refined_summary.json"),
    ("full, 5000 iterations (the first shipped refiner)", "default-5k", "learned", "refined_summary.json"),
]);
Table("Condition skip (x0 = z_c + U-Net output; not in the paper, for refiners trained from scratch)",
[
    ("prior alone (learned CNN)", AnyRun, "learned", "prior_summary.json"),
    ("full recipe, 2000 iterations, training seed 7", "full-seed7", "learned", "refined_summary.json"),
    ("full recipe + condition skip, 2000 iterations", "full-skip", "learned", "refined_summary.json"),
    ("full recipe + condition skip, 5000 iterations (models/refiner)", "default-skip-5k", "learned", "refined_summary.json"),
    ("degraded prior alone", AnyRun, "degraded-0", "prior_summary.json"),
    ("+ refiner trained with the learned prior", "full-seed7", "degraded-0", "refined_summary.json"),
    ("+ refiner trained with the learned prior, condition skip", "full-skip", "degraded-0", "refined_summary.json"),
]);
Table("Plug-and-play: refiners applied to a prior they were not trained with",
[
    ("learned CNN prior alone", AnyRun, "learned", "prior_summary.json"),
    ("+ refiner trained with the learned prior", "full-seed7", "learned", "refined_summary.json"),
    ("+ refiner trained with the degraded prior", "full-degraded-prior", "learned", "refined_summary.json"),
    ("degraded prior alone", AnyRun, "degraded-0", "prior_summary.json"),
    ("+ refiner trained with the degraded prior", "full-degraded-prior", "degraded-0", "refined_summary.json"),
    ("+ refiner trained with the learned prior", "full-seed7", "degraded-0", "refined_summary.json"),
]);
Table("Data efficiency (full recipe, 2000 iterations)",
[
    ("prior alone (learned CNN)", AnyRun, "learned", "prior_summary.json"),
    ("400 training scenes", "full-400", "learned", "refined_summary.json"),
    ("900 training scenes (all)", "full-seed7", "learned", "refined_summary.json"),
]);
Table("Patch-masking tolerance eta (w = 8, 2000 iterations, learned CNN prior)",
[
    ("prior alone (learned CNN)", AnyRun, "learned", "prior_summary.json"),
    ("no masking (pre-alignment row)", "pre-alignment", "learned", "refined_summary.json"),
    ("eta 0.1 (paper)", "full-seed7", "learned", "refined_summary.json"),
    ("eta 0.2", "full-eta0.2", "learned", "refined_summary.json"),
    ("eta 0.3", "full-eta0.3", "learned", "refined_summary.json"),
]);
return 0;
