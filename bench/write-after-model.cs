#:project ../src/BetterDepth.Benchmarks/BetterDepth.Benchmarks.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
#:property TieredCompilationQuickJitForLoops=false
// Writing a prediction right after the model, as `predict` does: tiny with the shipped refiner (models/refiner, or
// random weights with "random"), 2 steps, then npy + 16-bit PNG + colour PNG, 50 times; the write's best / quartile /
// median and the U-Net's best / median, in ms. Made to compare libgomp spin counts (see Compute/OpenMpSpin.cs), which
// must be set before libtorch loads, so one process per setting. Usage (from the repository root):
//   GOMP_SPINCOUNT=300000 dotnet run -c Release bench/write-after-model.cs [SIZE=256] [random]  (libgomp's default)
//   dotnet run -c Release bench/write-after-model.cs [SIZE=256] [random]                        (the project's, 30000)
using System.Diagnostics;
using BetterDepth.Benchmarks;
using BetterDepth.Compute;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;

OpenMpSpin.LimitBeforeLibtorchLoads();
TorchDevice.ConfigureThreads();
int size = args.Length > 0 ? int.Parse(args[0]) : 256;
using var prior = new SmoothImagePrior();
bool random = args.Length > 1 && args[1] == "random";
using var refiner = random ? BenchmarkRunner.CreateRefiner("tiny", TorchDevice.Parse("cpu")) : RefinerModel.Load(Path.Combine("models", "refiner"), TorchDevice.Parse("cpu"));
var pipeline = new RefinementPipeline(prior, refiner, new RefinementOptions { Steps = 2, ProcessingResolution = size });
var image = SceneRenderer.Render(size, SceneKind.Indoor, size, size).Image;
var writer = new PredictionWriter(PipelineBenchmark.Formats);
var scratch = Directory.CreateTempSubdirectory("write-after-model").FullName;
writer.Write(Path.Combine(scratch, "warm-up"), image, pipeline.Run(image));

var write = new List<double>();
var unet = new List<double>();
for (int i = 0; i < 50; i++)
{
    var result = pipeline.Run(image);
    long start = Stopwatch.GetTimestamp();
    writer.Write(Path.Combine(scratch, "prediction"), image, result);
    write.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    unet.Add(result.Timings.Stages.Where(s => s.Stage.StartsWith("U-Net", StringComparison.Ordinal)).Sum(s => s.Seconds) * 1000);
}
write.Sort();
unet.Sort();
Console.WriteLine($"GOMP_SPINCOUNT={Environment.GetEnvironmentVariable(OpenMpSpin.Variable)} {size}px {(random ? "random" : "trained")} weights: write best {write[0]:F2} quartile {write[12]:F2} " +
    $"median {write[25]:F2} ms; U-Net (2 calls) best {unet[0]:F1} median {unet[25]:F1} ms");
Directory.Delete(scratch, recursive: true);
