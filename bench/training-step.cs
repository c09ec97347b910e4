#:project ../src/BetterDepth.Benchmarks/BetterDepth.Benchmarks.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// Training speed as `bench` measures it (tiny refiner, 128x96, batch 4: forward, backward and the Adam step on random
// tensors; 30 iterations after a warm-up, three rounds), then the Adam step alone over the tiny refiner's trainable
// parameters: TorchSharp's Adam.step() against ScalarSafeAdam.SafeStep(), 100 steps each, alternating, three rounds.
// Usage (from the repository root): dotnet run -c Release bench/training-step.cs
using System.Diagnostics;
using BetterDepth.Benchmarks;
using BetterDepth.Compute;
using BetterDepth.Training;
using static TorchSharp.torch;

using var tiny = BenchmarkRunner.CreateRefiner("tiny", CPU);
for (int round = 0; round < 3; round++)
{
    var r = TrainingBenchmark.Measure(tiny, "tiny", 128, 96, 4, 30);
    Console.WriteLine($"training round {round + 1}: {r.IterationsPerSecond:F2} it/s median, {r.BestIterationsPerSecond:F2} it/s best");
}

var parameters = RefinerTrainer.TrainableParameters(tiny);
foreach (var p in parameters) p.grad = randn_like(p) * 1e-3;
Console.WriteLine($"{parameters.Count} parameter tensors, {parameters.Sum(p => p.numel()):N0} values");
using var torchSharp = optim.Adam(parameters, lr: 3e-5);
using var safe = optim.Adam(parameters, lr: 3e-5);
double Milliseconds(Action step)
{
    step();
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < 100; i++) step();
    return clock.Elapsed.TotalMilliseconds / 100;
}
for (int round = 0; round < 3; round++)
    Console.WriteLine($"step round {round + 1}: Adam.step() {Milliseconds(() => torchSharp.step()):F2} ms, SafeStep() {Milliseconds(safe.SafeStep):F2} ms");
