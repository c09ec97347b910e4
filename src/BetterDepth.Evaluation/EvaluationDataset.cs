using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Evaluation;

/// <summary>
/// A benchmark ready to evaluate: its samples (from a split file or a folder listing), the depth range it
/// trusts, and whether detail metrics belong to its protocol.
/// </summary>
public abstract class EvaluationDataset
{
    protected EvaluationDataset(string name, string dataDir, string? splitFile, DepthRange range)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"dataset folder not found: {dataDir}");
        Name = name;
        DataDir = Path.GetFullPath(dataDir);
        SplitFile = splitFile is null ? null : Path.GetFullPath(splitFile);
        Range = range;
    }

    public string Name { get; }
    public string DataDir { get; }
    /// <summary>The split file the samples come from; null when they come from a folder listing.</summary>
    public string? SplitFile { get; }
    public DepthRange Range { get; }
    public virtual bool DetailMetricsByDefault => false;
    public abstract IReadOnlyList<EvaluationSample> Samples { get; }
    /// <summary>
    /// Each sample's ground truth by its RGB path (the key the pipeline gives priors), for priors made from the label
    /// (<c>degraded</c>). Loaded on each call, so nothing is held between samples.
    /// </summary>
    public Func<string, (DepthMap Depth, bool[] Valid)> GroundTruthByRgbPath()
    {
        var byPath = Samples.ToDictionary(s => s.RgbPath);
        return key =>
        {
            if (!byPath.TryGetValue(key, out var sample)) throw new ArgumentException($"no ground truth for {key}: it is not a sample of {DataDir}");
            var gt = sample.LoadGroundTruth();
            return (gt.Depth, gt.Valid);
        };
    }

    /// <summary>Split lines skipped because the benchmark has no ground truth for them (KITTI's "None").</summary>
    public virtual int LinesWithoutGroundTruth => 0;

    /// <summary>Dataset names <see cref="Open"/> knows besides a path to a dataset JSON file.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [.. MarigoldProtocols.Names, MiddleburyDataset.DatasetName];

    /// <summary>
    /// Opens a built-in benchmark by name (its data in <paramref name="dataDir"/>) or a user dataset described by a
    /// JSON file (<paramref name="dataDir"/> defaults to the JSON's folder). <paramref name="splitFile"/> overrides the default split.
    /// </summary>
    public static EvaluationDataset Open(string nameOrJsonPath, string? dataDir, string? splitFile = null)
    {
        if (nameOrJsonPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return UserDataset.Open(nameOrJsonPath, dataDir, splitFile);
        var name = nameOrJsonPath.ToLowerInvariant();
        if (dataDir is null) throw new ArgumentException($"dataset \"{name}\" needs its data folder (--data-dir)");
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"dataset folder not found: {dataDir}");
        if (name == MiddleburyDataset.DatasetName) return new MiddleburyDataset(dataDir, splitFile);
        var protocol = MarigoldProtocols.Get(name);
        return new SplitDataset(protocol, dataDir, splitFile ?? protocol.FindDefaultSplit(dataDir));
    }
}
