using BetterDepth.Training;

namespace BetterDepth.Tests.Hostile;

/// <summary>
/// A SIGKILL between the two renames of AtomicFolder.Replace left only checkpoint.old-PID and checkpoint.tmp-PID, and
/// --resume then found "no checkpoint" (issue 15). The leftovers are made here by hand, as a killed run leaves them.
/// </summary>
public class LeftoverFolderTests
{
    static string Checkpoint(string runDir, string suffix, int iteration)
    {
        var folder = Path.Combine(runDir, TrainingCheckpoint.FolderName + suffix);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "state.json"), $$"""{"iteration": {{iteration}}}""");
        return folder;
    }

    static string IterationIn(string runDir) => File.ReadAllText(Path.Combine(runDir, TrainingCheckpoint.FolderName, "state.json"));

    static string[] Entries(string runDir) => Directory.GetFileSystemEntries(runDir).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void KilledBetweenTheRenamesTheNewCheckpointIsPutBack()
    {
        var run = TestData.NewTempDir("run");
        Checkpoint(run, $".old-{Refused.DeadPid}", 200);
        Checkpoint(run, $".tmp-{Refused.DeadPid}", 400);
        Assert.True(TrainingCheckpoint.Exists(run));
        Assert.Contains("400", IterationIn(run));
        Assert.Equal([TrainingCheckpoint.FolderName], Entries(run));
    }

    [Fact]
    public void OnlyTheOldCheckpointLeftIsPutBack()
    {
        var run = TestData.NewTempDir("run");
        Checkpoint(run, $".old-{Refused.DeadPid}", 200);
        Assert.True(TrainingCheckpoint.Exists(run));
        Assert.Contains("200", IterationIn(run));
        Assert.Equal([TrainingCheckpoint.FolderName], Entries(run));
    }

    [Fact]
    public void AnIncompleteFirstSaveIsDeletedNotResumed()
    {
        var run = TestData.NewTempDir("run");
        Checkpoint(run, $".tmp-{Refused.DeadPid}", 200);   // no .old: the folder was never moved aside, so this may be half written
        Assert.False(TrainingCheckpoint.Exists(run));
        Assert.Empty(Entries(run));
    }

    [Fact]
    public void StaleLeftoversBesideAWholeCheckpointAreCleanedAndItIsKept()
    {
        var run = TestData.NewTempDir("run");
        Checkpoint(run, "", 600);
        Checkpoint(run, $".old-{Refused.DeadPid}", 200);
        Checkpoint(run, $".tmp-{Refused.DeadPid - 1}", 400);
        Assert.True(TrainingCheckpoint.Exists(run));
        Assert.Contains("600", IterationIn(run));
        Assert.Equal([TrainingCheckpoint.FolderName], Entries(run));
    }

    [Fact]
    public void ALiveProcessesSaveInProgressIsLeftAlone()
    {
        var run = TestData.NewTempDir("run");
        Checkpoint(run, "", 600);
        Checkpoint(run, ".tmp-1", 800); // pid 1 is always running
        Assert.True(TrainingCheckpoint.Exists(run));
        Assert.Equal([TrainingCheckpoint.FolderName, TrainingCheckpoint.FolderName + ".tmp-1"], Entries(run));
    }

    [Fact]
    public void ReplaceCleansAKilledRunsLeftoversToo()
    {
        var root = TestData.NewTempDir("atomic");
        var folder = Path.Combine(root, "model");
        Checkpoint(root, $".tmp-{Refused.DeadPid}", 1); // unrelated name: untouched
        Directory.CreateDirectory(folder + $".old-{Refused.DeadPid}");
        Directory.CreateDirectory(folder + $".tmp-{Refused.DeadPid}");
        AtomicFolder.Replace(folder, temp => File.WriteAllText(Path.Combine(temp, "x"), "new"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(folder, "x")));
        Assert.Equal(["checkpoint.tmp-" + Refused.DeadPid, "model"], Entries(root));
    }

    [Fact]
    public void HiddenTempFilesOfKilledWritesAreRemovedAndLiveOnesKept()
    {
        var folder = TestData.NewTempDir("outputs");
        var stale = Path.Combine(folder, $".a.png.{Refused.DeadPid}-{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(folder, $".a.npy.1-{Guid.NewGuid():N}.tmp");
        var legacy = Path.Combine(folder, $".b.png.{Guid.NewGuid():N}.tmp");
        var user = Path.Combine(folder, ".notes.tmp");
        foreach (var f in new[] { stale, live, legacy, user }) File.WriteAllText(f, "x");
        File.SetLastWriteTimeUtc(legacy, DateTime.UtcNow.AddDays(-1));
        Assert.Equal(2, AtomicFile.RemoveStaleTemps(folder));
        Assert.Equal(new[] { live, user }.Order(), Directory.GetFiles(folder).Order());
    }
}
