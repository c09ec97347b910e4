using BetterDepth.Cli;

namespace BetterDepth.Tests.Cli;

public class BenchCommandTests
{
    static int Bench(params string[] args) => Program.Run(["bench", .. args]);

    [Theory]
    [InlineData("--sizes", "100")]       // not a multiple of 16
    [InlineData("--sizes", "256,big")]
    [InlineData("--threads", "0")]
    [InlineData("--memory-probe", "tiny")]
    [InlineData("--refiner", "no-such-refiner-folder")]
    public void Bad_settings_exit_with_code_2_before_measuring(string option, string value)
    {
        var output = Path.Combine(TestData.NewTempDir(), "results");
        Assert.Equal(CommandRunner.ExitBadInput, Bench(option, value, "--output", output));
        Assert.False(File.Exists(Path.Combine(output, "latest.json")));
    }

    [Fact]
    public void Missing_onnx_model_is_a_bad_input()
    {
        var output = Path.Combine(TestData.NewTempDir(), "results");
        Assert.Equal(CommandRunner.ExitBadInput, Bench("--prior", Path.Combine(output, "none.onnx"), "--output", output));
    }
}
