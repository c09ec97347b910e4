namespace BetterDepth.Evaluation;

/// <summary>One line of a split file: whitespace-separated columns (rgb path, depth path, then dataset-specific ones).</summary>
internal sealed record SplitLine(int LineNumber, IReadOnlyList<string> Columns);

/// <summary>
/// Split files as Marigold's data_split/ folder has them: one sample per line,
/// <c>rgb_path depth_path [third column]</c>, paths relative to the dataset folder. The third column is
/// a filled-depth or mask path (NYU, DIODE) or a focal length (KITTI). Blank lines are ignored.
/// </summary>
internal static class SplitFile
{
    public static IReadOnlyList<SplitLine> Read(string path, int minColumns)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"split file not found: {path}", path);
        var lines = new List<SplitLine>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            var columns = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length == 0) continue;
            if (columns.Length < minColumns)
                throw new InvalidFileException(path, $"line {number} has {columns.Length} column(s), expected at least {minColumns}: \"{text.Trim()}\"");
            lines.Add(new SplitLine(number, columns));
        }
        if (lines.Count == 0) throw new InvalidFileException(path, "split file lists no samples");
        return lines;
    }
}
