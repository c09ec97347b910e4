using System.CommandLine;
using System.Globalization;
using BetterDepth.Training;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth train --config FILE</c>: train a refiner with global pre-alignment and local patch masking.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Training config JSON (see configs/train/)", Required = true };
        var run = new Option<string?>("--output", "-o") { Description = "Run folder: checkpoint, log, loss plot and at the end the trained refiner in OUTPUT/final (default: runs/<config name>)" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint" };
        var iterations = new Option<int?>("--iterations") { Description = "Override the config's iteration count" };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop with a checkpoint after this iteration (schedule unchanged); --resume continues" };
        var command = new Command("train", "Train a BetterDepth refiner (Algorithm 1). Ctrl-C saves a checkpoint and stops; --resume continues.")
        {
            config, run, resume, iterations, stopAfter,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var path = parse.GetValue(config)!;
            var loaded = RefinerTrainingConfig.Load(path);
            if (parse.GetValue(iterations) is int n) loaded = loaded with { Iterations = n };
            var runDir = parse.GetValue(run) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(path));
            var result = await ProgressBars.RunAsync("train", progress =>
                Task.Run(() => RefinerTraining.Run(loaded, runDir, parse.GetValue(resume), progress, ct, parse.GetValue(stopAfter)), ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained {result.Iterations} iterations, last loss {result.LastLoss:G4}, {result.SecondsPerIteration:F2} s/iteration; refiner in {result.FinalFolder}"));
            return 0;
        }, ct));
        return command;
    }
}
