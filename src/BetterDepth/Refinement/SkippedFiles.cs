namespace BetterDepth.Refinement;

/// <summary>
/// The files a folder walk passed over because they are not colour images (depth maps, masks, JSON, ...), counted
/// and summarised by folder and extension so that one line can say what was left out.
/// </summary>
public sealed class SkippedFiles
{
    const int ListedPatterns = 3;
    readonly object gate = new();
    readonly List<string> patterns = [];

    public int Count { get; private set; }

    /// <param name="relativePath">The file's path under the folder that was walked.</param>
    public void Add(string relativePath)
    {
        var folder = Path.GetDirectoryName(relativePath)?.Replace(Path.DirectorySeparatorChar, '/');
        var pattern = (string.IsNullOrEmpty(folder) ? "" : folder + "/") + "*" + Path.GetExtension(relativePath).ToLowerInvariant();
        lock (gate)
        {
            Count++;
            // one more than listed, to know whether to add "..."
            if (patterns.Count <= ListedPatterns && !patterns.Contains(pattern)) patterns.Add(pattern);
        }
    }

    /// <summary>"skipped 12 files that are not colour images (depth/*.png, *.json)", or null when nothing was skipped.</summary>
    public string? Summary()
    {
        lock (gate)
        {
            if (Count == 0) return null;
            var listed = string.Join(", ", patterns.Take(ListedPatterns)) + (patterns.Count > ListedPatterns ? ", ..." : "");
            return Count == 1 ? $"skipped 1 file that is not a colour image ({listed})" : $"skipped {Count} files that are not colour images ({listed})";
        }
    }
}
