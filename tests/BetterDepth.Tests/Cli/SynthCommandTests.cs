using BetterDepth.Cli;
using BetterDepth.Cli.Commands;

namespace BetterDepth.Tests.Cli;

public class SynthCommandTests
{
    [Fact]
    public void WritesADatasetAndRejectsBadArguments()
    {
        string folder = TestData.NewTempDir("synth-cli");
        int code = Program.Run(["synth", "-o", folder, "--count", "2", "--size", "40x30", "--seed", "9", "--kind", "outdoor"]);
        Assert.Equal(0, code);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, "all.txt")).Length);
        Assert.True(File.Exists(Path.Combine(folder, "rgb", "000001.png")));

        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["synth", "-o", folder, "--size", "40by30"]));
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["synth", "-o", folder, "--kind", "forest"]));
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["synth", "-o", folder, "--count", "0", "--size", "40x30"]));
    }

    [Theory]
    [InlineData("640x480", 640, 480)]
    [InlineData("32X24", 32, 24)]
    public void ParsesSizes(string text, int w, int h) => Assert.Equal((w, h), SynthCommand.ParseSize(text));
}
