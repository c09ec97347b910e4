using BetterDepth.Cli;
using BetterDepth.Refinement;
using BetterDepth.Tests.Training;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Cli;

[Collection(ConsoleDisplay.Name)]
public class TrainCommandTests(TrainingRuns runs) : IClassFixture<TrainingRuns>
{
    static int Train(params string[] args) => Program.Run(["train", .. args]);

    [Fact]
    public void TrainsStopsResumesAndRefusesToOverwrite()
    {
        var config = runs.WriteConfig(TrainingRuns.ConfigJson(iterations: 2), "cli.json");
        var run = runs.NewRun("cli");
        Assert.Equal(0, Train("--config", config, "-o", run, "--stop-after", "1"));
        Assert.False(Directory.Exists(Path.Combine(run, RefinerTrainer.FinalName)));
        Assert.Equal(CommandRunner.ExitBadInput, Train("--config", config, "-o", run));     // checkpoint there, no --resume
        Assert.Equal(0, Train("--config", config, "-o", run, "--resume"));
        Assert.Equal(2, TrainingRuns.LossColumns(run).Count);
        using (var refiner = RefinerModel.Load(Path.Combine(run, RefinerTrainer.FinalName), CPU))
            Assert.Equal(Conditioning.ImageAndDepth, refiner.Conditioning);
        Assert.Empty(Directory.GetDirectories(run, "*.tmp-*"));
    }

    [Fact]
    public async Task CtrlCExitsWith130()
    {
        var config = runs.WriteConfig(TrainingRuns.ConfigJson(iterations: 2), "cli-cancel.json");
        var run = runs.NewRun("cli-cancel");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int code = await Program.RunAsync(["train", "--config", config, "-o", run], cts.Token);
        Assert.Equal(CommandRunner.ExitCancelled, code);
        Assert.False(Directory.Exists(Path.Combine(run, RefinerTrainer.FinalName)));
    }

    [Fact]
    public void BadConfigsExitWithTwo()
    {
        var run = runs.NewRun("cli-bad");
        Assert.Equal(CommandRunner.ExitBadInput, Train("--config", Path.Combine(runs.Root, "missing.json"), "-o", run));
        var bad = runs.WriteConfig(TrainingRuns.ConfigJson(",\"batch_size\": 0"), "cli-bad.json");
        Assert.Equal(CommandRunner.ExitBadInput, Train("--config", bad, "-o", run));
        var good = runs.WriteConfig(TrainingRuns.ConfigJson(), "cli-good.json");
        Assert.Equal(CommandRunner.ExitBadInput, Train("--config", good, "-o", run, "--resume"));
        Assert.False(Directory.Exists(Path.Combine(run, TrainingCheckpoint.FolderName)));
    }
}
