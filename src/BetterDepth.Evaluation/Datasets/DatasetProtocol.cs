namespace BetterDepth.Evaluation.Datasets;

/// <summary>
/// Everything that distinguishes one split-file benchmark from another in Marigold's evaluation: how depth is
/// stored, the valid range, crops and masks, and the split file it is normally evaluated on.
/// </summary>
public sealed record DatasetProtocol(string Name, DepthEncoding Encoding, DepthRange Range)
{
    /// <summary>Marigold's split file (path in its repository, under data_split/); null for user datasets.</summary>
    public string? DefaultSplit { get; init; }
    /// <summary>A real crop of the recorded frame (KITTI benchmark crop), from the recorded size.</summary>
    public Func<int, int, CropBox>? FrameCrop { get; init; }
    /// <summary>An evaluation region on the (cropped) frame; pixels outside do not count.</summary>
    public Func<int, int, CropBox>? EvaluationRegion { get; init; }
    /// <summary>Split column holding a validity-mask file (DIODE: 2).</summary>
    public int? MaskColumn { get; init; }
    /// <summary>False when the mask file alone defines validity (Marigold's DIODE loader ignores the range).</summary>
    public bool RangeAppliesWithMask { get; init; } = true;
    /// <summary>Skip lines whose depth column is "None" (KITTI Eigen test: 45 of 697 lines).</summary>
    public bool SkipLinesWithoutDepth { get; init; }
    /// <summary>Marigold's prediction file name for an RGB file name (without extension), for reading its outputs as they are.</summary>
    public Func<string, string>? MarigoldPredictionName { get; init; }

    /// <summary>Columns a split line needs; computed in long so that a mask column of int.MaxValue cannot wrap to a small count.</summary>
    public int MinColumns => (int)Math.Min(int.MaxValue, Math.Max(2L, (MaskColumn ?? 0) + 1L));

    /// <summary>The default split file inside the data folder: Marigold's data_split path, or just its file name.</summary>
    public string FindDefaultSplit(string dataDir)
    {
        if (DefaultSplit is null) throw new ArgumentException($"dataset \"{Name}\" has no default split file: pass one (--split)");
        string[] candidates = [Path.Combine(dataDir, DefaultSplit), Path.Combine(dataDir, Path.GetFileName(DefaultSplit))];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"no split file for \"{Name}\": expected {string.Join(" or ", candidates)}; pass one with --split " +
                                               $"(Marigold's {DefaultSplit})");
    }
}
