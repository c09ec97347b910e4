using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Training;

/// <summary>
/// The datasets the refiner trains on, as split files over a data folder: Marigold's two (Hypersim,
/// Virtual KITTI 2) and anything described by a dataset.json (the synthetic scenes, user data).
/// </summary>
internal static class TrainingDatasets
{
    /// <summary>Hypersim as Marigold preprocesses it: 480x640 tone-mapped PNG, planar depth as 16-bit PNG in mm.</summary>
    public static readonly DatasetProtocol Hypersim = new("hypersim", DepthEncoding.Png16(1e-3), new DepthRange(1e-5, 65))
    {
        DefaultSplit = "data_split/hypersim/filename_list_train_filtered.txt",
    };

    /// <summary>Virtual KITTI 2, original layout: depth PNG in cm, KITTI benchmark crop, capped at 80 m.</summary>
    public static readonly DatasetProtocol VirtualKitti = new("vkitti", DepthEncoding.Png16(1e-2), new DepthRange(1e-5, 80))
    {
        DefaultSplit = "data_split/vkitti/vkitti_train.txt",
        FrameCrop = StandardCrops.KittiBenchmark,
    };

    public static EvaluationDataset Open(TrainingDatasetEntry entry, RefinerTrainingConfig config)
    {
        var dataDir = entry.DataDir is null ? null : config.Resolve(entry.DataDir);
        var split = entry.Split is null ? null : entry.Split;
        switch (entry.Dataset.ToLowerInvariant())
        {
            case "hypersim":
            case "vkitti":
                var protocol = entry.Dataset.Equals("hypersim", StringComparison.OrdinalIgnoreCase) ? Hypersim : VirtualKitti;
                if (dataDir is null) throw new ArgumentException($"dataset '{entry.Dataset}' needs data_dir");
                var splitPath = split is null ? protocol.FindDefaultSplit(dataDir) : ResolveSplit(split, dataDir, config);
                return new SplitDataset(protocol, dataDir, splitPath);
            default:
                var json = config.Resolve(entry.Dataset);
                return EvaluationDataset.Open(json, dataDir, split is null ? null : ResolveSplit(split, dataDir ?? Path.GetDirectoryName(json)!, config));
        }
    }

    static string ResolveSplit(string split, string dataDir, RefinerTrainingConfig config)
    {
        if (Path.IsPathRooted(split)) return split;
        var inData = Path.Combine(dataDir, split);
        return File.Exists(inData) ? inData : config.Resolve(split);
    }
}
