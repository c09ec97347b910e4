using BetterDepth.Cli;
using BetterDepth.Priors;
using BetterDepth.Priors.Learned;

namespace BetterDepth.Tests.Training.Onnx;

public sealed class ExportPriorCommandTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("export-prior-cli");

    public void Dispose() => Directory.Delete(dir, true);

    static int Run(params string[] args) => Program.Run(["export-prior", .. args]);

    [Fact]
    public void Weights_folder_exports_a_fixed_size_model_the_registry_loads()
    {
        var output = Path.Combine(dir, "sub", "prior.onnx");

        Assert.Equal(0, Run("--weights", Path.Combine(TestData.RepoRoot, "models", "prior-cnn"), "--output", output, "--fixed-size"));

        using var prior = (OnnxDepthPrior)PriorRegistry.Create(output, new PriorOptions { Threads = 1 });
        Assert.Same(OnnxPreset.BetterDepthCnn, prior.Preset);
        using var learned = new LearnedPrior(Path.Combine(TestData.RepoRoot, LearnedPrior.DefaultWeights));
        Assert.Equal((learned.Config.Width, learned.Config.Height), prior.InputSizeFor(300, 100));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "*.tmp"));
    }

    [Fact]
    public void Missing_weights_and_a_folder_as_output_are_bad_input_and_write_nothing()
    {
        Assert.Equal(CommandRunner.ExitBadInput, Run("--weights", Path.Combine(dir, "missing.safetensors"), "--output", Path.Combine(dir, "a.onnx")));
        Assert.Equal(CommandRunner.ExitBadInput, Run("--weights", dir, "--output", Path.Combine(dir, "b.onnx"))); // folder without prior.safetensors
        Assert.Equal(CommandRunner.ExitBadInput, Run("--weights", Path.Combine(TestData.RepoRoot, LearnedPrior.DefaultWeights), "--output", dir));
        Assert.Empty(Directory.GetFiles(dir));
    }
}
