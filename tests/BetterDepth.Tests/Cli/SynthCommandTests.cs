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
    [InlineData("desk", 3, 0)]
    [InlineData("varied", 2, 1)]
    [InlineData("pavement", 0, 3)]
    public void EachKindIsCountedInSynthJson(string kind, int desk, int others)
    {
        string folder = TestData.NewTempDir("synth-cli");
        Assert.Equal(0, Program.Run(["synth", "-o", folder, "--count", "3", "--size", "24x16", "--seed", "7", "--kind", kind]));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "synth.json")));
        var root = json.RootElement;
        Assert.Equal(kind, root.GetProperty("kind").GetString());
        Assert.Equal(desk, root.GetProperty("desk_scenes").GetInt32());
        Assert.Equal(others, root.GetProperty("indoor_scenes").GetInt32() + root.GetProperty("outdoor_scenes").GetInt32());
    }

    [Theory]
    [InlineData("640x480", 640, 480)]
    [InlineData("32X24", 32, 24)]
    public void ParsesSizes(string text, int w, int h) => Assert.Equal((w, h), SynthCommand.ParseSize(text));
}
