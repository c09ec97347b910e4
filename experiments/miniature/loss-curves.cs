#:project ../../src/BetterDepth.Training/BetterDepth.Training.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// One figure with the running-mean training loss of every miniature run (docs/REPRODUCTION.md).
// The runs with patch masking average their loss over kept patches only, so their level is not comparable with
// the unmasked runs'; the shapes (how fast and how far each falls) are.
// Usage (from the repository root): dotnet run experiments/miniature/loss-curves.cs -- runs/miniature docs/figures/miniature-loss-curves.png [TITLE]
// (any folder of run folders works; models/prior-cnn/loss_curve_layout.png is one run's curve drawn this way)
using BetterDepth.Imaging;
using BetterDepth.Training;

var runsDir = args.Length > 0 ? args[0] : "runs/miniature";
var output = args.Length > 1 ? args[1] : "docs/figures/miniature-loss-curves.png";
var runs = Directory.GetDirectories(runsDir)
    .Where(d => File.Exists(Path.Combine(d, "train_log.csv")))
    .Order()
    .Select(d => (Label: Path.GetFileName(d), Points: TrainingLog.ReadPoints(Path.Combine(d, "train_log.csv"))))
    .ToList();
if (runs.Count == 0) { Console.Error.WriteLine($"{runsDir}: no run folder with a train_log.csv"); return 2; }
var title = args.Length > 2 ? args[2] : "MINIATURE RUNS: TRAINING LOSS (RUNNING MEAN)";
ImageFile.WritePng(output, LossPlot.Render(runs, title, 800, 480));
Console.WriteLine($"wrote {output} ({runs.Count} runs)");
return 0;
