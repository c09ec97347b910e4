using System.CommandLine;
using TorchSharp;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth info</c>: what this installation can run on (libtorch, ONNX Runtime, threads, devices).</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show versions, threads and devices of the native back ends.");
        command.SetAction((_, ct) => CommandRunner.RunAsync(_ =>
        {
            Console.WriteLine($"BetterDepth {typeof(DepthMap).Assembly.GetName().Version}");
            Console.WriteLine($"libtorch threads: {torch.get_num_threads()}, CUDA available: {torch.cuda.is_available()}");
            var spin = Environment.GetEnvironmentVariable(BetterDepth.Compute.OpenMpSpin.Variable);
            Console.WriteLine($"OpenMP spin count ({BetterDepth.Compute.OpenMpSpin.Variable}): {spin ?? "libgomp's default"}");
            Console.WriteLine($"ONNX Runtime: {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}");
            Console.WriteLine($"processors: {Environment.ProcessorCount}");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
