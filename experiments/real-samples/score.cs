#:project ../../src/BetterDepth.Evaluation/BetterDepth.Evaluation.csproj
#:property PublishAot=false
// Scores depth predictors on the four real RGB-D samples of ../shared/data/real-rgbd (its README.md; override the folder
// with BETTERDEPTH_REAL_RGBD), with Marigold's protocol as the library implements it (Evaluator.Score): the prediction is
// brought to the ground truth's frame, fitted by least squares in disparity space ("least_square_disparity"), clipped to
// the sample's depth range, then AbsRel and delta1 (and DBE / edge precision / recall where the library's protocol has
// them: Middlebury) over the valid ground-truth pixels. A sanity check of readers, alignment and models on data that
// nobody in this project made; four images are far too few to rank anything.
//
// Ground truth and valid pixels:
//   nyu-crop          16-bit PNG mm, (1e-3, 10) m; already cropped, so no Eigen crop
//   kitti-annotated   16-bit PNG /256, (1e-3, 80) m; whole frame (no benchmark or Eigen crop)
//   middlebury        MiddleburyDataset (disp0GT.pfm + calib.txt, range (0, inf)), AND mask0nocc.png == 255 (non-occluded)
//   tum-fr1           16-bit PNG /5000, (1e-3, 10) m
// Predictors:
//   ramp                       disparity growing linearly from 0 on the top row to 1 on the bottom row
//   PRIORSPEC                  anything PriorRegistry.Create accepts (learned:models/prior-cnn/prior.safetensors, an .onnx, ...), run on the RGB image
//   refined:FOLDER[@PRIORSPEC] BetterDepthPipeline over the refiner FOLDER and that prior (default: the one its refiner.json names),
//                              with its refiner.json's defaults as `betterdepth predict` (models/refiner: 2 DDIM steps, 1 member, 256 px), on the CPU
//   prior-of:FOLDER[@PRIORSPEC] the prior map that refined:FOLDER[@PRIORSPEC] refines, as the pipeline returns it (the
//                              prior's own map on the original image, so since commit 63fc6bb equal to PRIORSPEC on its own)
//   roundtrip:FOLDER[@PRIORSPEC] that prior's condition through the refiner's frozen autoencoder and back, no denoising, then
//                              the pipeline's own output steps (prior layout fusion, resizing back): what the autoencoder
//                              alone costs, a floor under the refined map's difference to its prior
//   --processing-res R         the refiners' processing resolution (long side of a 4:3 frame; default: the refiner's own, 256 for models/refiner)
//   --seed S                   the refiners' noise seed (default 0, as `betterdepth predict`); one image per sample makes a
//                              single seed's difference to the prior partly noise, so compare over several
//
// Usage (from the repository root): dotnet run experiments/real-samples/score.cs -- PREDICTOR... [--seed S] [--processing-res R] [--json FILE]
// Exit codes: 0 done, 2 bad arguments or missing data, 1 anything else.
//
// Run on 2026-12-02 in the `realscore` worktree (shipped models of commit da77bbd):
//   dotnet run experiments/real-samples/score.cs -- ramp learned:models/prior-cnn/prior.safetensors refined:models/refiner
// | sample | valid px | ramp AbsRel % | ramp delta1 % | learned:models/prior-cnn/prior.safetensors AbsRel % | learned:models/prior-cnn/prior.safetensors delta1 % | refined:models/refiner AbsRel % | refined:models/refiner delta1 % |
// |---|---:|---:|---:|---:|---:|---:|---:|
// | nyu-crop | 234439 | 11.7 | 88.5 | 6.1 | 99.0 | 6.1 | 99.1 |
// | kitti-annotated | 90728 | 23.3 | 72.3 | 13.7 | 85.5 | 13.6 | 85.5 |
// | middlebury2014-motorcycle | 319078 | 13.3 | 80.4 | 19.6 | 58.7 | 19.7 | 58.2 |
// | tum-fr1 | 204859 | 22.0 | 67.1 | 23.8 | 56.7 | 23.6 | 56.7 |
// | mean |  | 17.6 | 77.1 | 15.8 | 75.0 | 15.8 | 74.9 |
//
// | sample | predictor | DBE_acc px | DBE_comp px | edge precision % | edge recall % |
// |---|---|---:|---:|---:|---:|
// | middlebury2014-motorcycle | ramp | 10.00 | 10.00 | 0.0 | 0.0 |
// | middlebury2014-motorcycle | learned:models/prior-cnn/prior.safetensors | 10.00 | 10.00 | 0.0 | 0.0 |
// | middlebury2014-motorcycle | refined:models/refiner | 10.00 | 10.00 | 0.0 | 0.0 |
// DBE 10 px / edge P and R 0 % on Middlebury mean the detector (DepthEdges: Canny on the [0, 1]-normalised aligned depth,
// iBims-1 thresholds) finds no edge at all in these smooth predictions, against 1920 ground-truth edge pixels.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BetterDepth;
using BetterDepth.Compute;
using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;
using BetterDepth.Priors;
using BetterDepth.Refinement;

const string Usage = "usage: dotnet run experiments/real-samples/score.cs -- PREDICTOR... [--seed S] [--processing-res R] [--json FILE]  (PREDICTOR: ramp, a prior spec, refined:, prior-of: or roundtrip:FOLDER[@PRIORSPEC])";

var specs = new List<string>();
string? jsonPath = null;
int seed = 0;
int? processingResolution = null;
for (int a = 0; a < args.Length; a++)
{
    if (args[a] == "--json")
    {
        if (a + 1 >= args.Length || args[a + 1].Length == 0) return Fail(2, "--json needs a file name");
        jsonPath = args[++a];
    }
    else if (args[a] == "--processing-res")
    {
        if (a + 1 >= args.Length || !int.TryParse(args[a + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) || r < 0)
            return Fail(2, "--processing-res needs a non-negative integer");
        processingResolution = r;
        a++;
    }
    else if (args[a] == "--seed")
    {
        if (a + 1 >= args.Length || !int.TryParse(args[a + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed) || seed < 0)
            return Fail(2, "--seed needs a non-negative integer");
        a++;
    }
    else if (args[a] is "-h" or "--help") { Console.WriteLine(Usage); return 0; }
    else if (args[a].StartsWith('-')) return Fail(2, $"unknown option '{args[a]}'; {Usage}");
    else if (specs.Contains(args[a])) return Fail(2, $"predictor '{args[a]}' given twice");
    else specs.Add(args[a]);
}
if (specs.Count == 0) return Fail(2, $"no predictor given; {Usage}");

var dataDir = Environment.GetEnvironmentVariable("BETTERDEPTH_REAL_RGBD") is { Length: > 0 } given
    ? Path.GetFullPath(given)
    : Path.GetFullPath(Path.Combine(FindRepoRoot(), "..", "shared", "data", "real-rgbd"));

var predictors = new List<Predictor>();
try
{
    if (!Directory.Exists(dataDir)) return Fail(2, $"real RGB-D samples not found: {dataDir} (set BETTERDEPTH_REAL_RGBD)");
    var samples = LoadSamples(dataDir);
    foreach (var spec in specs) predictors.Add(Predictor.Create(spec, seed, processingResolution)); // bad specs and missing models fail here, before any work

    // results[sample][predictor]
    var results = new MetricValues[samples.Count, predictors.Count];
    for (int s = 0; s < samples.Count; s++)
    {
        var sample = samples[s];
        var image = ImageFile.ReadRgb(sample.RgbPath);
        for (int p = 0; p < predictors.Count; p++)
        {
            var prediction = predictors[p].Predict(image, sample);
            results[s, p] = Score(prediction, sample);
            Console.Error.WriteLine($"{sample.Name} {predictors[p].Spec}: {results[s, p]}");
        }
    }

    string Percent(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("F1", CultureInfo.InvariantCulture);
    string Pixels(double v) => double.IsNaN(v) ? "-" : v.ToString("F2", CultureInfo.InvariantCulture);
    var means = Enumerable.Range(0, predictors.Count).Select(p => Mean(Enumerable.Range(0, samples.Count).Select(s => results[s, p]))).ToList();

    Console.WriteLine($"| sample | valid px | {string.Join(" | ", predictors.Select(p => $"{p.Spec} AbsRel % | {p.Spec} delta1 %"))} |");
    Console.WriteLine($"|---|---:|{string.Concat(predictors.Select(_ => "---:|---:|"))}");
    for (int s = 0; s < samples.Count; s++)
        Console.WriteLine($"| {samples[s].Name} | {samples[s].Truth.ValidCount} | " +
                          string.Join(" | ", Enumerable.Range(0, predictors.Count).Select(p =>
                              $"{Percent(results[s, p][DepthMetrics.AbsRel])} | {Percent(results[s, p][DepthMetrics.Delta1])}")) + " |");
    Console.WriteLine("| mean |  | " + string.Join(" | ", means.Select(m => $"{Percent(m[DepthMetrics.AbsRel])} | {Percent(m[DepthMetrics.Delta1])}")) + " |");

    var detailed = Enumerable.Range(0, samples.Count).Where(s => samples[s].Detail).ToList();
    if (detailed.Count > 0)
    {
        Console.WriteLine();
        Console.WriteLine("| sample | predictor | DBE_acc px | DBE_comp px | edge precision % | edge recall % |\n|---|---|---:|---:|---:|---:|");
        foreach (var s in detailed)
            for (int p = 0; p < predictors.Count; p++)
            {
                var m = results[s, p];
                Console.WriteLine($"| {samples[s].Name} | {predictors[p].Spec} | {Pixels(m[DetailMetrics.DbeAccuracy])} | {Pixels(m[DetailMetrics.DbeCompleteness])} | " +
                                  $"{Percent(m[DetailMetrics.EdgePrecision])} | {Percent(m[DetailMetrics.EdgeRecall])} |");
            }
    }

    if (jsonPath is not null)
    {
        JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        JsonObject Metrics(MetricValues m) => new(m.Select(kv => KeyValuePair.Create(kv.Key, Number(kv.Value))));
        var root = new JsonObject
        {
            ["data"] = dataDir,
            ["alignment"] = AlignmentNames.ToName(AlignmentMode.LeastSquareDisparity),
            ["seed"] = seed,
            ["processing_resolution"] = processingResolution,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["predictors"] = new JsonArray(predictors.Select(p => (JsonNode?)JsonValue.Create(p.Spec)).ToArray()),
            ["samples"] = new JsonArray(Enumerable.Range(0, samples.Count).Select(s => (JsonNode?)new JsonObject
            {
                ["name"] = samples[s].Name,
                ["valid_pixels"] = samples[s].Truth.ValidCount,
                ["range"] = new JsonArray(Number(samples[s].Range.Min), Number(samples[s].Range.Max)),
                ["metrics"] = new JsonObject(Enumerable.Range(0, predictors.Count).Select(p =>
                    KeyValuePair.Create(predictors[p].Spec, (JsonNode?)Metrics(results[s, p])))),
            }).ToArray()),
            ["mean"] = new JsonObject(Enumerable.Range(0, predictors.Count).Select(p => KeyValuePair.Create(predictors[p].Spec, (JsonNode?)Metrics(means[p])))),
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(jsonPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidFileException)
{
    return Fail(2, e.Message);
}
catch (Exception e)
{
    return Fail(1, $"{e.GetType().Name}: {e.Message}");
}
finally
{
    foreach (var p in predictors) p.Dispose();
}

static int Fail(int code, string message)
{
    Console.Error.WriteLine("error: " + message.ReplaceLineEndings(" "));
    return code;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "BetterDepth.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static List<Sample> LoadSamples(string dataDir)
{
    Sample Png16(string name, string rgb, string depth, double metresPerUnit, DepthRange range)
    {
        var gtDepth = DepthEncoding.Png16(metresPerUnit).Read(Path.Combine(dataDir, name, depth));
        return new Sample(name, Path.Combine(dataDir, name, rgb), new GroundTruth(gtDepth, Validity.FromDepth(gtDepth, range)), range, Detail: false);
    }

    Sample Middlebury(string name)
    {
        // The library's Middlebury loader (PFM disparity + calib.txt -> metres, +inf invalid), then the scene's own
        // non-occlusion mask: 255 = non-occluded, 128 = occluded, 0 = invalid.
        var dataset = new MiddleburyDataset(dataDir);
        var sample = dataset.Samples.SingleOrDefault(s => s.Id == name) ?? throw new DirectoryNotFoundException($"no Middlebury scene {name} in {dataDir}");
        var truth = sample.LoadGroundTruth();
        var maskPath = Path.Combine(dataDir, name, "mask0nocc.png");
        var mask = PngReader.Read(maskPath);
        if (mask.Width != truth.Depth.Width || mask.Height != truth.Depth.Height)
            throw new InvalidFileException(maskPath, $"mask is {mask.Width}x{mask.Height}, disparity {truth.Depth.Width}x{truth.Depth.Height}");
        var valid = (bool[])truth.Valid.Clone();
        for (int i = 0; i < valid.Length; i++) valid[i] &= mask.Samples[i * mask.Channels] == 255;
        return new Sample(name, Path.Combine(dataDir, sample.RgbPath), truth with { Valid = valid }, dataset.Range, dataset.DetailMetricsByDefault);
    }

    return
    [
        Png16("nyu-crop", "rgb.jpg", "depth.png", 1e-3, new DepthRange(1e-3, 10)),
        Png16("kitti-annotated", "rgb.png", "depth.png", 1.0 / 256, new DepthRange(1e-3, 80)),
        Middlebury("middlebury2014-motorcycle"),
        Png16("tum-fr1", "1.png", "1_depth.png", 1.0 / 5000, new DepthRange(1e-3, 10)),
    ];
}

// Evaluator.Score's steps for an in-memory prediction: frame -> alignment space -> least squares in disparity -> range clip -> metrics.
static MetricValues Score(DepthMap prediction, Sample sample)
{
    const AlignmentMode mode = AlignmentMode.LeastSquareDisparity;
    var gt = sample.Truth;
    var framed = PredictionFraming.ToGroundTruthFrame(prediction, gt);
    var content = prediction.Kind.IsDepthLike() ? PredictionContent.Depth : PredictionContent.Disparity;
    var (toAlign, fitValid) = PredictionFraming.ToAlignmentSpace(framed, content, mode, gt.Valid);
    if (!fitValid.Contains(true)) throw new ArgumentException($"{sample.Name}: no positive prediction value on a valid pixel to fit a scale and shift on");
    var aligned = GroundTruthAlignment.Align(toAlign, gt.Depth, fitValid, mode, sample.Range.Min, sample.Range.Max);
    var metrics = DepthMetrics.Compute(aligned.Values, gt.Depth.Values, gt.Valid);
    return sample.Detail ? metrics.Concat(DetailMetrics.Compute(aligned, gt.Depth, gt.Valid)) : metrics;
}

// Plain mean over samples (Marigold averages per-image metrics); NaN (undefined detail metrics) are left out.
static MetricValues Mean(IEnumerable<MetricValues> perSample)
{
    var list = perSample.ToList();
    var names = list.SelectMany(m => m.Keys).Distinct().ToList();
    return new MetricValues(names.Select(n =>
    {
        var values = list.Where(m => m.ContainsKey(n)).Select(m => m[n]).Where(v => !double.IsNaN(v)).ToList();
        return KeyValuePair.Create(n, values.Count == 0 ? double.NaN : values.Average());
    }));
}

sealed record Sample(string Name, string RgbPath, GroundTruth Truth, DepthRange Range, bool Detail);

sealed class Predictor : IDisposable
{
    public required string Spec { get; init; }
    IDepthPrior? prior;
    BetterDepthPipeline? pipe;
    string mode = "";

    public static Predictor Create(string spec, int seed, int? processingResolution)
    {
        if (spec == "ramp") return new Predictor { Spec = spec };
        var refinedPrefix = new[] { "refined:", "prior-of:", "roundtrip:" }.FirstOrDefault(p => spec.StartsWith(p, StringComparison.Ordinal));
        if (refinedPrefix is not null)
        {
            var rest = spec[refinedPrefix.Length..];
            var at = rest.IndexOf('@');
            var folder = at < 0 ? rest : rest[..at];
            var priorSpec = at < 0 ? null : rest[(at + 1)..];
            if (folder.Length == 0) throw new ArgumentException($"predictor '{spec}': expected {refinedPrefix}FOLDER[@PRIORSPEC]");
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"predictor '{spec}': refiner folder not found: {folder}");
            TorchDevice.ConfigureThreads();
            // `betterdepth predict`'s defaults: the folder's own (refiner.json), on the CPU
            return new Predictor
            {
                Spec = spec, pipe = BetterDepthPipeline.FromPretrained(folder, new PipelineOptions { Prior = priorSpec, Seed = seed, ProcessingResolution = processingResolution }),
                mode = refinedPrefix,
            };
        }
        return new Predictor { Spec = spec, prior = PriorRegistry.Create(spec) };
    }

    public DepthMap Predict(RgbImage image, Sample sample)
    {
        if (pipe is not null && mode == "roundtrip:") return RoundTrip(pipe, image, sample.RgbPath);
        if (pipe is not null)
        {
            var result = pipe.Refine(image, sample.RgbPath);
            return mode == "prior-of:" ? result.Prior : result.Refined;
        }
        if (prior is not null) return prior.Predict(image, sample.RgbPath);
        // ramp: 0 on the top row, 1 on the bottom row
        var map = new DepthMap(image.Width, image.Height, DepthKind.AffineDisparity);
        for (int y = 0; y < image.Height; y++)
            map.Values.AsSpan(y * image.Width, image.Width).Fill(image.Height == 1 ? 0f : (float)y / (image.Height - 1));
        return map;
    }

    // RefinementPipeline's steps with the denoising left out: the condition's latent is decoded as if it were the refined one.
    static DepthMap RoundTrip(BetterDepthPipeline pipe, RgbImage image, string key)
    {
        var autoencoder = pipe.Refiner.Autoencoder;
        var size = ProcessingSize.For(image.Width, image.Height, pipe.Options.ProcessingResolution, autoencoder.DownscaleFactor);
        var (w, h) = (size.Width, size.Height);
        var prior = Resampling.Resize(pipe.Prior.Predict(image, key), w, h, ResizeFilter.Bilinear, antialias: true);
        var condition = DepthCondition.FromPrior(prior);
        using var noGrad = TorchSharp.torch.no_grad();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var input = TorchSharp.torch.nn.functional.pad(TensorConversions.ToTensor(condition, pipe.Refiner.Device),
            [0, size.PaddedWidth - w, 0, size.PaddedHeight - h], TorchSharp.PaddingModes.Replicate);
        var decoded = autoencoder.DecodeDepth(autoencoder.EncodeDepth(input));
        var unit = decoded[0, 0, TorchSharp.torch.TensorIndex.Slice(0, h), TorchSharp.torch.TensorIndex.Slice(0, w)].add(1).div(2).clamp(0, 1);
        var map = TensorConversions.ToDepthMap(unit, DepthKind.AffineDisparity);
        if (pipe.Options.PriorLayoutSigma > 0) map = PriorLayout.Fuse(map, prior, pipe.Options.PriorLayoutSigma);
        return Resampling.Resize(map, image.Width, image.Height, ResizeFilter.Bilinear, antialias: true);
    }

    public void Dispose()
    {
        pipe?.Dispose();
        prior?.Dispose();
    }
}
