using System.CommandLine;
using BetterDepth.Cli;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Cli;

/// <summary>
/// Issue 14's command line: one spelling per option across commands, dashed lowercase values, and a command line that
/// does not parse is bad input (one line, exit code 2), as is a file that is not there.
/// </summary>
public class CommandLineTests
{
    static string? Problem(params string[] args) => ParseProblems.First(Program.BuildRoot().Parse(args));

    static IEnumerable<Command> AllCommands(Command command) => command.Subcommands.SelectMany(AllCommands).Prepend(command);

    [Theory]
    [InlineData("--steps: 'abc' is not an integer", "predict", "img", "--steps", "abc", "-o", "x")]
    [InlineData("--lr: 'fast' is not a number", "train-prior", "--synthetic-count", "2", "-o", "x", "--lr", "fast")]
    [InlineData("predict: unknown option --stepz (see betterdepth predict --help)", "predict", "img", "--stepz", "3", "-o", "x")]
    [InlineData("predict: -o/--output is required (see betterdepth predict --help)", "predict", "img")]
    [InlineData("-o needs a value", "predict", "img", "-o")]
    [InlineData("--steps is given more than once", "predict", "img", "--steps", "1", "--steps", "2", "-o", "x")]
    [InlineData("convert: unexpected argument 'b' (see betterdepth convert --help)", "convert", "a", "b", "-o", "x")]
    [InlineData("convert: missing <input> (see betterdepth convert --help)", "convert", "-o", "x")]
    [InlineData("eval: unexpected argument 'yes' (see betterdepth eval --help)", "eval", "--dataset", "nyu", "--predictions", "p", "--detail", "yes")]
    [InlineData("unknown command 'predcit' (see betterdepth --help)", "predcit", "img")]
    [InlineData("shards: give a command: summarize (see betterdepth shards --help)", "shards")]
    [InlineData("--alignment: 'affine' is not one of auto, least-square, least-square-disparity, none", "eval", "--dataset", "nyu", "--predictions", "p", "--alignment", "affine")]
    [InlineData("--kind: 'forest' is not one of indoor, outdoor, mixed, desk, varied, pavement", "synth", "-o", "x", "--kind", "forest")]
    public void AProblemIsOneLineInTheProjectsWords(string expected, params string[] args) => Assert.Equal(expected, Problem(args));

    [Theory]
    [InlineData("predict", "-o", "x", "--", "-dash.png")]          // after "--" a word may start with '-'
    [InlineData("predict", "--stepz", "--help")]                   // help wins over what it would complain about
    [InlineData("convert", "a.npy", "-o", "x.png", "--min", "-5")] // a negative number is a value, not an option
    [InlineData("--version")]
    public void WhatParsesHasNoProblem(params string[] args) => Assert.Null(Problem(args));

    [Fact]
    public void ABadCommandLineExitsWithTwoAndOneLineInsteadOfTheHelp()
    {
        var (code, stdout, stderr) = ChildProcess.Cli("predict", "img", "--steps", "abc");
        Assert.Equal(CommandRunner.ExitBadInput, code);
        Assert.Equal("error: --steps: 'abc' is not an integer\n", stderr);
        Assert.Equal("", stdout);

        // a misspelt option is not taken for an image path
        (code, stdout, stderr) = ChildProcess.Cli("predict", TestData.Real("nyu-crop", "rgb.jpg"), "--stepz", "3", "-o", TestData.NewTempDir());
        Assert.Equal(CommandRunner.ExitBadInput, code);
        Assert.Equal("error: predict: unknown option --stepz (see betterdepth predict --help)\n", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void HelpCallsTheProgramBetterdepthAndListsDashedValues()
    {
        var (code, stdout, _) = ChildProcess.Cli("prior", "--help");
        Assert.Equal(0, code);
        Assert.Contains("betterdepth prior <images>... [options]", stdout);
        Assert.DoesNotContain("BetterDepth.Cli", stdout);
        Assert.Contains("--file-kind <depth|disparity|affine-depth|affine-disparity|normalized>", stdout);
        Assert.Contains("[default: affine-disparity]", stdout);
        Assert.Contains("-o, --output <output> (REQUIRED)", stdout);
    }

    [Fact]
    public void EveryCommandSpellsOutputsAndPriorsAlikeAndNamesChoicesInDashedLowercase()
    {
        foreach (var command in AllCommands(Program.BuildRoot()))
        {
            foreach (var option in command.Options)
            {
                var where = $"{command.Name} {option.Name}";
                Assert.DoesNotContain(option.Name, new[] { "--out", "--model", "--run", "--onnx" });
                if (option.Name == "--output") Assert.Contains("-o", option.Aliases);
                if (option.Aliases.Contains("-o")) Assert.Equal("--output", option.Name);
                // values with names go through ChoiceOption, which shows them dashed; a raw enum option would show PascalCase
                Assert.False((Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType).IsEnum, where);
                if (option.HelpName is { } names && names.Contains('|'))
                    Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*(\\|[a-z0-9]+(-[a-z0-9]+)*)*$", names);
            }
        }
        var priorCommands = AllCommands(Program.BuildRoot()).Where(c => c.Options.Any(o => o.Name == "--prior")).Select(c => c.Name).Order();
        Assert.Equal(["bench", "demo", "predict", "prior", "serve"], priorCommands);
    }

    [Theory]
    [InlineData("affine-depth")]
    [InlineData("AFFINE-DEPTH")]
    [InlineData("AffineDepth")]
    [InlineData("affine_depth")]
    public void ChoicesAreReadIgnoringCaseDashesAndUnderscores(string given)
    {
        var parse = Program.BuildRoot().Parse(["convert", "a.npy", "-o", "b.npy", "--kind", given]);
        Assert.Null(ParseProblems.First(parse));
        var kind = parse.CommandResult.Command.Options.OfType<ChoiceOption<DepthKind>>().Single(o => o.Name == "--kind");
        Assert.Equal(DepthKind.AffineDepth, kind.Value(parse));
    }

    [Fact]
    public void OldSpellingsStillWorkAndSayTheNewOne()
    {
        var notes = new StringWriter();
        Assert.Equal(["convert", "a.npy", "--output", "b.npy"], LegacySpellings.Rewrite(["convert", "a.npy", "--out", "b.npy"], notes));
        Assert.Equal(["synth", "--output=dir"], LegacySpellings.Rewrite(["synth", "--out=dir"], notes));
        Assert.Equal(["prior", "--prior", "learned", "x.png", "-o", "y"], LegacySpellings.Rewrite(["prior", "--model", "learned", "x.png", "-o", "y"], notes));
        Assert.Equal(["train", "--config", "c.json", "--output", "r"], LegacySpellings.Rewrite(["train", "--config", "c.json", "--run", "r"], notes));
        Assert.Equal(["bench", "--prior", "m.onnx"], LegacySpellings.Rewrite(["bench", "--onnx", "m.onnx"], notes));
        Assert.Equal(["convert --out is now --output", "synth --out is now --output", "prior --model is now --prior",
                "train --run is now --output", "bench --onnx is now --prior"],
            notes.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace("note: ", "")));
        // only where the old spelling meant that option, and never after "--"
        Assert.Equal(["predict", "--out", "x"], LegacySpellings.Rewrite(["predict", "--out", "x"], notes));
        Assert.Equal(["train-prior", "-o", "x", "--", "--out"], LegacySpellings.Rewrite(["train-prior", "-o", "x", "--", "--out"], notes));
        Assert.Null(Problem(LegacySpellings.Rewrite(["train-prior", "--synthetic-count", "2", "--out", "runs/x", "--resume"], TextWriter.Null)));
    }

    [Fact]
    public void DotNetFileErrorsAreSaidInTheProjectsWords()
    {
        var dir = TestData.NewTempDir("missing");
        var file = Path.Combine(dir, "nosuch.npy");
        Assert.Equal($"{file}: no such file", CommandRunner.Describe(Record.Exception(() => File.ReadAllBytes(file))));
        var inMissingFolder = Path.Combine(dir, "nosuch", "x.npy");
        Assert.Equal($"{inMissingFolder}: no such file or folder", CommandRunner.Describe(Record.Exception(() => File.ReadAllBytes(inMissingFolder))));
        Assert.Equal($"{dir}: is a folder, not a file", CommandRunner.Describe(Record.Exception(() => File.ReadAllBytes(dir))));
        // the project's own messages stay as they are
        Assert.Equal("x.png: no such image file or folder", CommandRunner.Describe(new FileNotFoundException("x.png: no such image file or folder", "x.png")));
    }

    [Fact]
    public void AFullDiskIsOneLineNamingTheFile()
    {
        // /dev/full answers every write with ENOSPC, as a full disk does
        var full = Record.Exception(() => File.WriteAllBytes("/dev/full", new byte[1 << 16]));
        Assert.True(CommandRunner.IsUserError(full));
        Assert.Equal("/dev/full: no space left on device", CommandRunner.Describe(full));
        // other I/O failures stay bugs, shown with their stack trace
        Assert.False(CommandRunner.IsUserError(new IOException("sharing violation")));
    }

    public static TheoryData<string[]> CommandsReadingAMissingFile => new()
    {
        { ["convert", "NOSUCH.npy", "-o", "OUT/x.npy"] },
        { ["eval", "--dataset", "NOSUCH.json", "--predictions", "OUT"] },
        { ["train", "--config", "NOSUCH.json", "-o", "OUT/run"] },
        { ["export-prior", "--weights", "NOSUCH.safetensors", "-o", "OUT/x.onnx"] },
        { ["prior", "NOSUCH.png", "-o", "OUT"] },
        { ["predict", "NOSUCH.png", "-o", "OUT"] },
        { ["predict", "OUT", "--intrinsics", "NOSUCH.json", "-o", "OUT"] },
        { ["train-prior", "--data", "NOSUCH", "-o", "OUT/prior"] },
        { ["train-prior", "--data", "NOSUCH", "--data", "NOSUCH", "-o", "OUT/prior"] },
        { ["train-layout", "--weights", "NOSUCH.safetensors", "--data", "OUT", "-o", "OUT/layout"] },
        { ["train-layout", "--weights", "MODELS", "--data", "NOSUCH", "-o", "OUT/layout"] },
    };

    [Theory]
    [MemberData(nameof(CommandsReadingAMissingFile))]
    public void AMissingFileIsOneLineNamingItAndExitCodeTwo(string[] args)
    {
        var dir = TestData.NewTempDir("missing");
        var missing = Path.Combine(dir, "nosuch");
        var (code, _, stderr) = ChildProcess.Cli([.. args.Select(a => a.Replace("NOSUCH", missing).Replace("OUT", dir).Replace("MODELS", Path.Combine(TestData.RepoRoot, "models/prior-cnn/prior.safetensors")))]);
        Assert.Equal(CommandRunner.ExitBadInput, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(missing, line);
        Assert.DoesNotContain("Could not find", line);
    }
}
