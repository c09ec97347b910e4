using BetterDepth.Compute;
using BetterDepth.Training.Priors;
using System.CommandLine;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth train-layout</c>: trains a layout corrector on a frozen learned prior (docs/learned-prior.md).</summary>
public static class TrainLayoutCommand
{
    public static Command Create()
    {
        var prior = new Option<string>("--weights") { Description = "Learned-prior weights to correct (e.g. models/prior-cnn/prior.safetensors); frozen", Required = true };
        var data = new Option<string[]>("--data") { Description = "Synthetic dataset folder (written by `betterdepth synth`) at the prior's working size, with train.txt; repeat for several", Arity = ArgumentArity.OneOrMore, Required = true };
        var outDir = new Option<string>("--output", "-o") { Description = "Output folder: prior.safetensors (the prior with the corrector), checkpoint/, cache/, train_log.csv", Required = true };
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 6000 };
        var batch = new Option<int>("--batch-size") { Description = "Scenes per step", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Peak Adam learning rate (warm-up, then cosine decay to 10%)", DefaultValueFactory = _ => 1e-3 };
        var channels = new Option<int>("--layout-channels") { Description = "Base channels of the corrector (doubled at each of its three stages)", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Seed of initial weights and batch order", DefaultValueFactory = _ => 0 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 500 };
        var resume = new Option<bool>("--resume") { Description = "Continue the checkpoint in --output" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: all cores)" };

        var command = new Command("train-layout", "Train a layout corrector on a frozen learned prior: a small network that rescales the prior's coarse layout.");
        foreach (var o in new Option[] { prior, data, outDir, steps, batch, lr, channels, seed, checkpointEvery, resume, device, threads })
            command.Options.Add(o);

        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            // The prior's own loss terms, as its later stages were trained (docs/learned-prior.md).
            var options = new PriorTrainingOptions
            {
                Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr), WarmupSteps = 200,
                Seed = parse.GetValue(seed), GradientWeight = 0.5, RelativeWeight = 1, LogRatioWeight = 1, Delta1Weight = 1,
                EmaDecay = 0.999, CheckpointEvery = parse.GetValue(checkpointEvery),
            };
            options.Validate();
            var torchDevice = TorchDevice.Parse(parse.GetValue(device)!);
            TorchDevice.ConfigureThreads(parse.GetValue(threads));
            var trainer = new LayoutCorrectorTrainer(options, torchDevice);
            var priorPath = parse.GetValue(prior)!;
            if (!File.Exists(priorPath)) throw new FileNotFoundException($"{priorPath}: learned-prior weights not found", priorPath);
            var sets = parse.GetValue(data)!.Select(d => new LayoutCorrectorTrainer.Data(Path.GetFullPath(d), new SyntheticFolderSource(d))).ToList();
            var result = await ProgressBars.RunAsync("train-layout", p => Task.Run(() => trainer.Train(priorPath, sets,
                parse.GetValue(outDir)!, parse.GetValue(resume), parse.GetValue(channels), p, ct), ct));
            Console.WriteLine(double.IsNaN(result.LastLoss)
                ? $"the run was already at step {result.StepsDone} of --steps: nothing to train; prior: {result.WeightsPath}"
                : $"trained {result.StepsDone} steps, last loss {result.LastLoss:F4}, {result.SecondsPerStep:F2} s/step; prior with its layout corrector: {result.WeightsPath}");
            return 0;
        }, ct));
        return command;
    }
}
