using BetterDepth.Imaging;

namespace BetterDepth.Evaluation.Datasets;

/// <summary>
/// Middlebury 2014 (the detail benchmark of the paper): one folder per scene with im0.png, disp0GT.pfm and
/// calib.txt. Depth comes from the disparity of the left view; pixels without disparity (+inf in the PFM) are
/// invalid. Samples are the scene folders listed in a split file (first column), or all scene folders.
/// Detail metrics are part of its protocol.
/// </summary>
public sealed class MiddleburyDataset : EvaluationDataset
{
    public const string DatasetName = "middlebury";
    public const string ImageFile = "im0.png", DisparityFile = "disp0GT.pfm", CalibrationFile = "calib.txt";

    readonly List<EvaluationSample> samples;

    public MiddleburyDataset(string dataDir, string? splitFile = null)
        : base(DatasetName, dataDir, splitFile, new DepthRange(0, double.PositiveInfinity))
    {
        var scenes = splitFile is null
            ? Directory.GetDirectories(DataDir).Where(d => File.Exists(Path.Combine(d, DisparityFile))).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList()
            : Evaluation.SplitFile.Read(splitFile, 1).Select(l => SceneOf(l.Columns[0])).ToList();
        if (scenes.Count == 0) throw new DirectoryNotFoundException($"no Middlebury scene folder (with {DisparityFile}) in {DataDir}");
        samples = scenes.Select(CreateSample).ToList();
    }

    public override IReadOnlyList<EvaluationSample> Samples => samples;
    public override bool DetailMetricsByDefault => true;

    /// <summary>A split line may name the scene folder or a file inside it.</summary>
    static string SceneOf(string column) =>
        Path.HasExtension(column) ? Path.GetDirectoryName(column) ?? column : column.TrimEnd('/', '\\');

    EvaluationSample CreateSample(string scene)
    {
        var folder = Path.Combine(DataDir, scene);
        var disparity = Path.Combine(folder, DisparityFile);
        var calibration = Path.Combine(folder, CalibrationFile);
        var rgb = Path.Combine(scene, ImageFile).Replace('\\', '/');
        return new EvaluationSample(scene, rgb, [disparity, calibration], () => Load(disparity, calibration));
    }

    static GroundTruth Load(string disparityPath, string calibrationPath)
    {
        var calibration = MiddleburyCalibration.Read(calibrationPath);
        var disparity = DepthFile.ReadPfm(disparityPath, DepthKind.Disparity);
        var depth = new DepthMap(disparity.Width, disparity.Height, DepthKind.Depth);
        var valid = new bool[depth.PixelCount];
        for (var i = 0; i < valid.Length; i++)
        {
            // The reader turns +inf (unknown disparity) into 0; the method needs d + doffs > 0 for a depth in front of the camera.
            var d = disparity.Values[i];
            if (!(d > 0) || !(d + calibration.Doffs > 0)) continue;
            depth.Values[i] = (float)calibration.DepthMetres(d);
            valid[i] = true;
        }
        return new GroundTruth(depth, valid);
    }
}
