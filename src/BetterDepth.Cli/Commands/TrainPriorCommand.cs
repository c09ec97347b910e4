using BetterDepth.Compute;
using BetterDepth.Evaluation;
using BetterDepth.Priors.Learned;
using BetterDepth.Training.Priors;
using System.CommandLine;
using System.Globalization;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth train-prior</c>: trains the project's small learned depth prior (see docs/learned-prior.md).</summary>
public static class TrainPriorCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Synthetic dataset folder (written by `betterdepth synth`) with train.txt; repeat to train on several", Arity = ArgumentArity.OneOrMore };
        var synthetic = new Option<int?>("--synthetic-count") { Description = "Instead of --data: render this many synthetic scenes on the fly (seeds 0..N-1)" };
        var outDir = new Option<string>("--output", "-o") { Description = "Output folder: prior.safetensors, optimizer.dat, state.json, train_log.csv", Required = true };
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps", DefaultValueFactory = _ => 3000 };
        var batch = new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { Description = "Peak Adam learning rate (warm-up, then cosine decay to 10%)", DefaultValueFactory = _ => 1e-3 };
        var size = new Option<string>("--size") { Description = "Working resolution WxH, multiples of 32", DefaultValueFactory = _ => "256x192" };
        var channels = new Option<int>("--channels") { Description = "Channels of the first stage (doubled at each stage up to 8x)", DefaultValueFactory = _ => 32 };
        var residualBlocks = new Option<int>("--residual-blocks") { Description = "Residual blocks at each of the 1/32, 1/16 and 1/8 levels; with --init from a network with fewer, the added ones start as the identity", DefaultValueFactory = _ => 0 };
        var attentionBlocks = new Option<int>("--attention-blocks") { Description = "Self-attention blocks at each of the 1/32 and 1/16 levels, after the residual ones; with --init from a network with fewer, the added ones start as the identity", DefaultValueFactory = _ => 0 };
        var encoderBlocks = new Option<int>("--encoder-blocks") { Description = "Residual blocks after the encoder's 1/8 and 1/16 stages", DefaultValueFactory = _ => 0 };
        var noAugment = new Option<bool>("--no-augment") { Description = "Train without random crops and colour changes (the mirror stays)" };
        var seed = new Option<int>("--seed") { Description = "Seed of initial weights and batch order", DefaultValueFactory = _ => 0 };
        var gradient = new Option<double>("--gradient-weight") { Description = "Weight of the multi-scale gradient-matching loss term", DefaultValueFactory = _ => 0.5 };
        var relative = new Option<double>("--relative-weight") { Description = "Weight of the relative disparity error after a least-squares fit (what AbsRel weighs); 0 is MiDaS's loss", DefaultValueFactory = _ => 0 };
        var logRatio = new Option<double>("--log-ratio-weight") { Description = "Weight of the absolute log depth ratio after a least-squares fit (what delta1 thresholds); 0 leaves it out", DefaultValueFactory = _ => 0 };
        var delta1 = new Option<double>("--delta1-weight") { Description = "Weight of the smooth share of pixels outside delta1's threshold after a least-squares fit; 0 leaves it out", DefaultValueFactory = _ => 0 };
        var hardImages = new Option<double>("--hard-image-power") { Description = "Weigh each image's loss by (its loss / the batch's mean) to this power, so the worst-fitted scenes pull hardest (0 to 8; 0 weighs images equally)", DefaultValueFactory = _ => 0 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 50 };
        var resume = new Option<bool>("--resume") { Description = "Continue the checkpoint in --output" };
        var init = new Option<string?>("--init") { Description = "Start a new run from these learned-prior weights (e.g. models/prior-cnn/prior.safetensors) instead of random ones, at this run's --size; fresh optimiser and schedule" };
        var emaDecay = new Option<double?>("--ema-decay") { Description = "Keep an exponential moving average of the weights with this decay (e.g. 0.999) and ship it as prior.safetensors" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: all cores)" };
        var evalDataset = new Option<string?>("--eval-dataset") { Description = "After training, measure the weights on this held-out dataset .json (e.g. a `betterdepth synth` folder's dataset.json); results in OUT/heldout" };

        var command = new Command("train-prior", "Train the small learned depth prior (affine-invariant disparity) on synthetic scenes.");
        foreach (var o in new Option[] { data, synthetic, outDir, steps, batch, lr, size, channels, residualBlocks, attentionBlocks, encoderBlocks, seed, gradient, relative, logRatio, delta1, hardImages, checkpointEvery, resume, init, emaDecay, device, threads, evalDataset, noAugment })
            command.Options.Add(o);

        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var (width, height) = PriorCnnConfig.ParseSize(parse.GetValue(size)!);
            var options = new PriorTrainingOptions
            {
                Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                Model = new PriorCnnConfig(parse.GetValue(channels), width, height, parse.GetValue(residualBlocks), parse.GetValue(attentionBlocks),
                    EncoderBlocks: parse.GetValue(encoderBlocks)), Seed = parse.GetValue(seed),
                GradientWeight = parse.GetValue(gradient), RelativeWeight = parse.GetValue(relative),
                LogRatioWeight = parse.GetValue(logRatio), Delta1Weight = parse.GetValue(delta1), HardImagePower = parse.GetValue(hardImages),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                Augment = !parse.GetValue(noAugment), InitWeights = parse.GetValue(init), EmaDecay = parse.GetValue(emaDecay),
            };
            options.Validate();
            IPriorTrainingSource source = (parse.GetValue(data) ?? [], parse.GetValue(synthetic)) switch
            {
                ([var dir], null) => new SyntheticFolderSource(dir),
                ({ Length: > 1 } dirs, null) => new ConcatenatedSource([.. dirs.Select(d => new SyntheticFolderSource(d))]),
                ([], { } n) => new RenderedSceneSource(n, width, height),
                _ => throw new ArgumentException("give --data DIR (one or more) or --synthetic-count N, not both"),
            };
            var torchDevice = TorchDevice.Parse(parse.GetValue(device)!);
            TorchDevice.ConfigureThreads(parse.GetValue(threads));
            var trainer = new PriorTrainer(options, torchDevice);
            var output = parse.GetValue(outDir)!;
            var result = await ProgressBars.RunAsync("train-prior",
                p => Task.Run(() => trainer.Train(source, output, parse.GetValue(resume), p, ct), ct));
            Console.WriteLine(double.IsNaN(result.LastLoss)
                ? $"the run was already at step {result.StepsDone} of --steps: nothing to train (loss curve redrawn); weights: {result.WeightsPath}"
                : $"trained {result.StepsDone} steps, last loss {result.LastLoss:F4}, {result.SecondsPerStep:F2} s/step; weights: {result.WeightsPath}");
            if (parse.GetValue(evalDataset) is { } datasetJson)
                await EvaluateHeldOut(result.WeightsPath, datasetJson, Path.Combine(output, "heldout"), torchDevice, ct);
            return 0;
        }, ct));
        return command;
    }

    static async Task EvaluateHeldOut(string weights, string datasetJson, string dir, TorchSharp.torch.Device device, CancellationToken ct)
    {
        var dataset = EvaluationDataset.Open(datasetJson, null);
        using var prior = new LearnedPrior(weights, device);
        var report = await ProgressBars.RunAsync($"held-out {dataset.Name}",
            p => Task.Run(() => HeldOutEvaluation.Run(prior, dataset, Path.Combine(dir, "predictions"), p, ct), ct));
        report.WriteCsv(Path.Combine(dir, "metrics.csv"));
        report.WriteJson(Path.Combine(dir, "summary.json"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held-out {dataset.Name}: {report.EvaluatedCount} images, AbsRel {report.Means["abs_rel"]:F4}, delta1 {report.Means["delta1"]:F4} ({AlignmentNames.ToName(report.Alignment)}); {dir}"));
    }
}
