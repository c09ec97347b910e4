namespace BetterDepth.Evaluation.Datasets;

/// <summary>
/// The five zero-shot benchmarks of Marigold and BetterDepth, with the facts of Marigold's evaluation code
/// (config/dataset_depth/data_*.yaml, src/dataset/*_dataset.py) for its preprocessed archives.
/// </summary>
internal static class MarigoldProtocols
{
    public const int Eth3dWidth = 6048, Eth3dHeight = 4032;

    /// <summary>NYUv2 test (654): 16-bit PNG in mm, (1e-3, 10) m, Eigen crop as an evaluation mask. Lines carry a filled-depth third column, unused here.</summary>
    public static readonly DatasetProtocol Nyu = new("nyu", DepthEncoding.Png16(1e-3), new DepthRange(1e-3, 10))
    {
        DefaultSplit = "data_split/nyu_depth/labeled/filename_list_test.txt",
        EvaluationRegion = StandardCrops.NyuEigen,
        // rgb_0001.png -> pred_0001
        MarigoldPredictionName = stem => "pred_" + (stem.Split('_') is { Length: > 1 } parts ? parts[1] : stem),
    };

    /// <summary>KITTI Eigen test (652 with GT of 697 lines): 16-bit PNG /256, (1e-5, 80) m, benchmark crop then Eigen region. Third column: focal length.</summary>
    public static readonly DatasetProtocol Kitti = new("kitti", DepthEncoding.Png16(1.0 / 256), new DepthRange(1e-5, 80))
    {
        DefaultSplit = "data_split/kitti_depth/eigen_test_files_with_gt.txt",
        FrameCrop = StandardCrops.KittiBenchmark,
        EvaluationRegion = StandardCrops.KittiEigen,
        SkipLinesWithoutDepth = true,
        MarigoldPredictionName = stem => "pred_" + stem,
    };

    /// <summary>ETH3D (454): raw float32 6048x4032 in m, +inf = invalid, (1e-5, inf).</summary>
    public static DatasetProtocol Eth3d(int width = Eth3dWidth, int height = Eth3dHeight) =>
        new("eth3d", DepthEncoding.RawFloat32(width, height), new DepthRange(1e-5, double.PositiveInfinity))
        {
            DefaultSplit = "data_split/eth3d_depth/eth3d_filename_list.txt",
            MarigoldPredictionName = stem => "pred_" + stem,
        };

    /// <summary>ScanNet (800 sampled validation frames): 16-bit PNG in mm, (1e-3, 10) m; RGB is JPEG.</summary>
    public static readonly DatasetProtocol ScanNet = new("scannet", DepthEncoding.Png16(1e-3), new DepthRange(1e-3, 10))
    {
        DefaultSplit = "data_split/scannet_depth/scannet_val_sampled_list_800_1.txt",
        MarigoldPredictionName = stem => "pred_" + stem,
    };

    /// <summary>DIODE validation (771): depth .npy in m and a mask .npy (third column) that alone defines validity;
    /// the range (0.6, 350) m is what predictions are clipped to.</summary>
    public static readonly DatasetProtocol Diode = new("diode", DepthEncoding.Npy, new DepthRange(0.6, 350))
    {
        DefaultSplit = "data_split/diode_depth/diode_val_all_filename_list.txt",
        MaskColumn = 2,
        RangeAppliesWithMask = false,
        MarigoldPredictionName = stem => "pred_" + stem,
    };

    public static IReadOnlyList<string> Names { get; } = ["nyu", "kitti", "eth3d", "scannet", "diode"];

    public static DatasetProtocol Get(string name) => name.ToLowerInvariant() switch
    {
        "nyu" => Nyu,
        "kitti" => Kitti,
        "eth3d" => Eth3d(),
        "scannet" => ScanNet,
        "diode" => Diode,
        _ => throw new ArgumentException($"unknown dataset \"{name}\": expected one of nyu, kitti, eth3d, scannet, diode, middlebury or a dataset .json file"),
    };
}
