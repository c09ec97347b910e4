using BetterDepth.Diffusion;

namespace BetterDepth.Training;

/// <summary>Finds a named model setting (configs/models/NAME.json) or reads a path to one.</summary>
public static class ModelConfigs
{
    public static DiffusionModelConfig Load(string nameOrPath, string? baseDir = null)
    {
        foreach (var candidate in Candidates(nameOrPath, baseDir))
            if (File.Exists(candidate)) return DiffusionModelConfig.Load(candidate);
        throw new ArgumentException($"model setting '{nameOrPath}' not found (looked in: {string.Join(", ", Candidates(nameOrPath, baseDir))})");
    }

    static IEnumerable<string> Candidates(string nameOrPath, string? baseDir)
    {
        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            yield return Path.IsPathRooted(nameOrPath) || baseDir is null ? nameOrPath : Path.Combine(baseDir, nameOrPath);
            yield break;
        }
        // Shipped beside the assemblies (see BetterDepth.csproj), so any working directory finds them.
        yield return Path.Combine(AppContext.BaseDirectory, "configs", "models", nameOrPath + ".json");
        if (baseDir is not null) yield return Path.Combine(baseDir, "configs", "models", nameOrPath + ".json");
    }
}
