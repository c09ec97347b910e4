using System.Diagnostics;
using System.Text;
using BetterDepth.Cli;
using BetterDepth.Tests.Training;
using BetterDepth.Training;

namespace BetterDepth.Tests.Cli;

/// <summary>
/// SIGTERM (what scancel and kill send) to a training run whose iterations take longer than System.CommandLine's
/// 2-second grace: the run must finish its step, save its checkpoint and exit with 130, not be torn down mid-step.
/// </summary>
[Collection(ChildProcesses.Name)]
public class TerminationTests(TrainingRuns runs) : IClassFixture<TrainingRuns>
{
    [Fact]
    public async Task SigtermDuringASlowIterationSavesTheCheckpointAndExitsCancelled()
    {
        // 768x576 at batch 4 makes one iteration of the tiny U-Net take seconds on a CPU.
        var json = TrainingRuns.ConfigJson(iterations: 1000).Replace("\"width\": 32, \"height\": 24, \"batch_size\": 2", "\"width\": 768, \"height\": 576, \"batch_size\": 4");
        var config = runs.WriteConfig(json, "slow.json");
        var run = runs.NewRun("sigterm");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { ChildProcess.CliDll, "train", "--config", config, "-o", run }) info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        var stderr = new StringBuilder();
        var reading = Task.Run(() => { int c; while ((c = child.StandardError.Read()) >= 0) lock (stderr) stderr.Append((char)c); });
        var stdout = child.StandardOutput.ReadToEndAsync();
        string Err() { lock (stderr) return stderr.ToString(); }

        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!Err().Contains("train: loss") && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.True(Err().Contains("train: loss"), $"no iteration finished:\n{Err()}");
        Assert.Equal(0, ChildProcess.Exec("kill", null, "-TERM", child.Id.ToString()).Code);
        if (!child.WaitForExit(TimeSpan.FromMinutes(2))) { child.Kill(entireProcessTree: true); Assert.Fail("the run did not stop"); }
        await reading;

        Assert.True(CommandRunner.ExitCancelled == child.ExitCode, $"exit code {child.ExitCode}:\n{Err()}");
        Assert.Contains("cancelled", Err());
        var state = TrainingCheckpoint.ReadIteration(run, RefinerTrainingConfig.Load(config));
        Assert.InRange(state, 1, 999);
        Assert.Empty(Directory.GetDirectories(run, "*.tmp-*", SearchOption.AllDirectories));
        await stdout;
    }
}
