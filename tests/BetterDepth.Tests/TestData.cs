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

    /// <summary>A fresh empty directory under the system temp folder.</summary>
    public static string NewTempDir(string tag = "bd")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BetterDepth.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (BetterDepth.slnx) above " + AppContext.BaseDirectory);
    }
}
