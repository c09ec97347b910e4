namespace BetterDepth.Tests;

/// <summary>Where the tests find the real RGB-D samples (../shared/data/real-rgbd from the repository root) and scratch space.</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The real samples folder; set BETTERDEPTH_REAL_RGBD to override.</summary>
    public static string RealRgbd { get; } = Environment.GetEnvironmentVariable("BETTERDEPTH_REAL_RGBD")
        ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "real-rgbd"));

    public static string Real(params string[] parts) => Path.Combine([RealRgbd, .. parts]);

    /// <summary>Writes <paramref name="bytes"/> to folder/fileName (e.g. a model from OnnxGraphWriter) and returns the path.</summary>
    public static string Save(string folder, string fileName, byte[] bytes)
    {
        var path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A fresh empty directory under this test process's temporary root (see <see cref="TempRoot"/>).</summary>
    public static string NewTempDir(string tag = "bd")
    {
        var dir = Path.Combine(TempRoot.Value, $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// One folder per test run: every run of the suite used to leave its folders in the system temp folder (a training
    /// test alone writes 137 MB) until the disk filled up. test.sh passes BETTERDEPTH_TEST_TEMP and removes it after
    /// the run; without it (a bare `dotnet test`) the process makes its own and tries to delete it on exit, which the
    /// test host does not always give it time to finish, so each such folder carries its process id and a later run
    /// removes those whose process is gone.
    /// </summary>
    static readonly Lazy<string> TempRoot = new(() =>
    {
        if (Environment.GetEnvironmentVariable("BETTERDEPTH_TEST_TEMP") is { Length: > 0 } given)
        {
            Directory.CreateDirectory(given);
            return given;
        }
        RemoveFoldersOfDeadRuns();
        var root = Path.Combine(Path.GetTempPath(), $"betterdepth-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a file still open: leave it to the OS
        };
        return root;
    });

    /// <summary>The folders of earlier runs that were killed before their exit handler ran (their process is gone).</summary>
    static void RemoveFoldersOfDeadRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "betterdepth-tests-*-*"))
        {
            var owner = Path.GetFileName(dir).Split('-')[2];
            if (!int.TryParse(owner, out int pid) || IsRunning(pid)) continue;
            try { Directory.Delete(dir, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another user's, or being removed
        }
    }

    static bool IsRunning(int pid)
    {
        try { using var process = System.Diagnostics.Process.GetProcessById(pid); return !process.HasExited; }
        catch (ArgumentException) { return false; }
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BetterDepth.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (BetterDepth.slnx) above " + AppContext.BaseDirectory);
    }
}
