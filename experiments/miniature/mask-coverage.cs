#:project ../../src/BetterDepth.Training/BetterDepth.Training.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// How much of the training signal local patch masking keeps with the learned CNN prior and the degraded prior: the share of valid pixels,
// and of depth-edge pixels (label neighbours more than 0.1 apart on the [-1, 1] scale), in kept patches, per (w, eta).
// Usage (from the repository root): dotnet run experiments/miniature/mask-coverage.cs -- [SAMPLES=60] [DATA=data/synth-160] [PRIOR...]
// (PRIOR: training prior specs; default learned:models/prior-cnn/prior.safetensors and degraded:0)
using BetterDepth.Evaluation;
using BetterDepth.Imaging;
using BetterDepth.Training;
using BetterDepth.Training.Priors;

int count = args.Length > 0 ? int.Parse(args[0]) : 60;
var data = args.Length > 1 ? args[1] : "data/synth-160";
string[] specs = args.Length > 2 ? args[2..] : ["learned:models/prior-cnn/prior.safetensors", "degraded:0"];
var dataset = EvaluationDataset.Open(Path.Combine(data, "dataset.json"), null, Path.Combine(data, "train.txt"));
var groundTruth = dataset.GroundTruthByRgbPath();
foreach (var spec in specs)
{
    using var prior = TrainingPriors.Create(spec, groundTruth);
    var settings = new (int W, double Eta)[] { (8, 0.1), (4, 0.1), (2, 0.1), (8, 0.2), (8, 0.3) };
    var keptPixels = new double[settings.Length];
    var keptEdges = new double[settings.Length];
    double validPixels = 0, edgePixels = 0;
    foreach (var sample in dataset.Samples.Take(count))
    {
        var image = ImageFile.ReadRgb(Path.Combine(dataset.DataDir, sample.RgbPath));
        var gt = sample.LoadGroundTruth();
        var prediction = prior.Predict(image, sample.RgbPath);
        for (int k = 0; k < settings.Length; k++)
        {
            var prepared = TrainingTargets.Prepare(image, gt.Depth, gt.Valid, prediction, new TrainingRecipe { PatchSize = settings[k].W, Eta = settings[k].Eta });
            var label = prepared.Target.Values;
            int width = prepared.Target.Width;
            for (int i = 0; i < label.Length; i++)
            {
                if (!prepared.Valid[i]) continue;
                bool edge = (i % width > 0 && Math.Abs(label[i] - label[i - 1]) > 0.1) || (i >= width && Math.Abs(label[i] - label[i - width]) > 0.1);
                if (k == 0) { validPixels++; if (edge) edgePixels++; }
                if (!prepared.LossMask[i]) continue;
                keptPixels[k]++;
                if (edge) keptEdges[k]++;
            }
        }
    }
    Console.WriteLine($"\n{count} training scenes of {data}, prior {spec}");
    Console.WriteLine("| w | eta | valid pixels kept | depth-edge pixels kept |\n|---|---|---|---|");
    for (int k = 0; k < settings.Length; k++)
        Console.WriteLine($"| {settings[k].W} | {settings[k].Eta} | {keptPixels[k] / validPixels:P1} | {keptEdges[k] / edgePixels:P1} |");
}
