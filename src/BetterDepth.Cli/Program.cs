using System.CommandLine;
using BetterDepth.Cli.Commands;

namespace BetterDepth.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // before any command can load libtorch, which reads it once
        BetterDepth.Compute.OpenMpSpin.LimitBeforeLibtorchLoads();
        return BuildRoot().Parse(args).Invoke();
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("BetterDepth: plug-and-play diffusion refinement of monocular depth (NeurIPS 2024), in .NET.");
        // One line per command; each command lives in Commands/<Name>Command.cs.
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(PriorCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ShardsCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(TrainPriorCommand.Create());
        root.Subcommands.Add(ExportPriorCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
