namespace BetterDepth.Evaluation;

/// <summary>
/// Where a sample's prediction lives: for the RGB path <c>a/b/c.jpg</c>, <c>a/b/c.npy</c>, <c>a/b/c.pfm</c> or
/// <c>a/b/c.png</c> (16-bit) under the predictions folder, in that order, then the name Marigold's
/// inference script gives it (<c>a/b/pred_c.npy</c>), so its outputs can be scored as they are.
/// The predictions may also leave out leading folders of the RGB path (<c>b/c.npy</c>, <c>c.npy</c>): that is what
/// <c>predict a/</c> or <c>predict a/b/</c> writes, mirroring the tree below the folder it was given.
/// </summary>
public static class PredictionLocator
{
    public static readonly string[] Extensions = [".npy", ".pfm", ".png"];

    /// <summary>The candidate paths, most preferred first; the first is the one reported when none exists.</summary>
    /// <param name="foldersLeftOut">How many leading folders of the RGB path the predictions folder leaves out.</param>
    public static IReadOnlyList<string> Candidates(string predictionsDir, EvaluationSample sample, int foldersLeftOut = 0)
    {
        var stem = Path.Combine(predictionsDir, LeaveOut(Path.ChangeExtension(sample.RgbPath, null), foldersLeftOut));
        var candidates = Extensions.Select(ext => Path.GetFullPath(stem + ext)).ToList();
        if (sample.MarigoldPredictionPath is { } marigold) candidates.Add(Path.GetFullPath(Path.Combine(predictionsDir, LeaveOut(marigold, foldersLeftOut))));
        return candidates;
    }

    public static string? Find(string predictionsDir, EvaluationSample sample, string? rgbFullPath = null, int foldersLeftOut = 0) =>
        Candidates(predictionsDir, sample, foldersLeftOut).FirstOrDefault(p => File.Exists(p) && !string.Equals(p, rgbFullPath, StringComparison.Ordinal));

    /// <summary>
    /// How many leading folders of the RGB paths the predictions folder leaves out: the fewest at which any prediction
    /// is found, as long as the shortened paths still tell every sample apart (two ScanNet scenes both have
    /// color/000000.jpg, so their predictions cannot both be 000000.npy); 0 when none is found.
    /// </summary>
    public static int FoldersLeftOut(string predictionsDir, IReadOnlyList<EvaluationSample> samples, Func<EvaluationSample, string?> rgbFullPath)
    {
        if (samples.Count == 0) return 0;
        int deepest = samples.Min(s => Folders(s.RgbPath).Length - 1);
        int distinct = samples.Select(s => s.RgbPath).Distinct(StringComparer.Ordinal).Count();
        for (int leftOut = 0; leftOut <= deepest; leftOut++)
        {
            if (samples.Select(s => LeaveOut(s.RgbPath, leftOut)).Distinct(StringComparer.Ordinal).Count() < distinct) break;
            if (samples.Any(s => Find(predictionsDir, s, rgbFullPath(s), leftOut) is not null)) return leftOut;
        }
        return 0;
    }

    static string[] Folders(string relativePath) => relativePath.Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    static string LeaveOut(string relativePath, int folders) =>
        folders == 0 ? relativePath : Path.Combine(Folders(relativePath)[folders..]);
}
