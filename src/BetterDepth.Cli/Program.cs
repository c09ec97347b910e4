using System.CommandLine;
using BetterDepth.Cli.Commands;
using BetterDepth.Imaging;

namespace BetterDepth.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // before any command can load libtorch, which reads it once
        BetterDepth.Compute.OpenMpSpin.LimitBeforeLibtorchLoads();
        return Run(args);
    }

    /// <summary>
    /// Parses and runs a command line: a command line that does not parse is bad input like any other (one line on
    /// stderr, exit code 2), not the whole help.
    /// </summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (ParseOrExplain(args) is not { } parse) return CommandRunner.ExitBadInput;
        using var termination = new Termination();
        return parse.InvokeAsync(OwnSignalHandling, termination.Token).GetAwaiter().GetResult();
    }

    /// <summary>Signals are <see cref="Termination"/>'s, which waits for the command however long it takes to stop.</summary>
    static readonly InvocationConfiguration OwnSignalHandling = new() { ProcessTerminationTimeout = null };

    /// <summary><see cref="Run(IReadOnlyList{string})"/> with a cancellation token of the caller's (Ctrl-C in a test).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellation) =>
        ParseOrExplain(args) is { } parse ? parse.InvokeAsync(OwnSignalHandling, cancellation) : Task.FromResult(CommandRunner.ExitBadInput);

    static ParseResult? ParseOrExplain(IReadOnlyList<string> args)
    {
        var parse = BuildRoot().Parse(LegacySpellings.Rewrite(args, Console.Error));
        if (ParseProblems.First(parse) is not { } problem) return parse;
        Console.Error.WriteLine($"error: {OneLine.Escape(problem)}");
        return null;
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("BetterDepth: plug-and-play diffusion refinement of monocular depth (NeurIPS 2024), in .NET.")
        {
            HelpName = "betterdepth",
        };
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
        root.Subcommands.Add(TrainLayoutCommand.Create());
        root.Subcommands.Add(ExportPriorCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
