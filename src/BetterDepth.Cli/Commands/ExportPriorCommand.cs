using System.CommandLine;
using BetterDepth.Priors.Learned;
using BetterDepth.Training.Onnx;

namespace BetterDepth.Cli.Commands;

/// <summary>
/// <c>betterdepth export-prior --weights DIR|FILE --output prior.onnx [--fixed-size]</c>: writes the learned prior as an
/// ONNX model for ONNX Runtime (spec <c>betterdepth-cnn:prior.onnx</c>); see docs/priors.md.
/// </summary>
public static class ExportPriorCommand
{
    public static Command Create()
    {
        var weights = new Option<string?>("--weights")
        {
            Description = $"Learned-prior weights: a prior.safetensors file or the folder holding one (default: the shipped {LearnedPrior.DefaultWeights})",
        };
        var output = new Option<string>("--output", "-o") { Description = "ONNX file to write (replaced atomically)", Required = true };
        var fixedSize = new Option<bool>("--fixed-size")
        {
            Description = "Fix the input height and width to the weights' working size, so every image is resized to it as the `learned` prior does (default: dynamic, multiples of " + PriorCnnConfig.Stride + ")",
        };

        var command = new Command("export-prior", "Export the learned depth prior to ONNX (run it with ONNX Runtime as betterdepth-cnn:FILE.onnx).");
        foreach (var o in new Option[] { weights, output, fixedSize }) command.Options.Add(o);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(_ =>
        {
            var source = parse.GetValue(weights) is { } given ? LearnedPrior.ResolveWeights(given) : LearnedPrior.FindDefaultWeights();
            var target = parse.GetValue(output)!;
            bool isFixed = parse.GetValue(fixedSize);
            var config = PriorCnnOnnxExport.Export(source, target, isFixed);
            var size = isFixed ? $"fixed {config.Width}x{config.Height}" : $"dynamic size (multiples of {PriorCnnConfig.Stride})";
            Console.WriteLine($"wrote {target} from {source}: {size} input, {new FileInfo(target).Length / 1024} KiB; use it as betterdepth-cnn:{target}");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
