namespace BetterDepth.Cli;

/// <summary>Where a clone keeps its default weights: models/ at the repository root, found above the running binary.</summary>
public static class ProjectPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    /// <summary>The default refiner (trained by this project on synthetic scenes; see models/refiner/README.md).</summary>
    public static string DefaultRefiner => Path.Combine(Models, "refiner");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BetterDepth.slnx"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
