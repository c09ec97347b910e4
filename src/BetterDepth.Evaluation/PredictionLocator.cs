namespace BetterDepth.Evaluation;

/// <summary>
/// Where a sample's prediction lives: for the RGB path <c>a/b/c.jpg</c>, <c>a/b/c.npy</c>, <c>a/b/c.pfm</c> or
/// <c>a/b/c.png</c> (16-bit) under the predictions folder, in that order, then the name Marigold's
/// inference script gives it (<c>a/b/pred_c.npy</c>), so its outputs can be scored as they are.
/// </summary>
public static class PredictionLocator
{
    public static readonly string[] Extensions = [".npy", ".pfm", ".png"];

    /// <summary>The candidate paths, most preferred first; the first is the one reported when none exists.</summary>
    public static IReadOnlyList<string> Candidates(string predictionsDir, EvaluationSample sample)
    {
        var stem = Path.Combine(predictionsDir, Path.ChangeExtension(sample.RgbPath, null));
        var candidates = Extensions.Select(ext => Path.GetFullPath(stem + ext)).ToList();
        if (sample.MarigoldPredictionPath is { } marigold) candidates.Add(Path.GetFullPath(Path.Combine(predictionsDir, marigold)));
        return candidates;
    }

    public static string? Find(string predictionsDir, EvaluationSample sample, string? rgbFullPath = null) =>
        Candidates(predictionsDir, sample).FirstOrDefault(p => File.Exists(p) && !string.Equals(p, rgbFullPath, StringComparison.Ordinal));
}
