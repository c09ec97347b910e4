using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// Writes a result's maps beside each other: <c>STEM.*</c> (refined), <c>STEM_uncertainty.*</c> (ensembles) and, when
/// asked for, <c>STEM_prior.*</c>. The prior's files are opt-in: they double the encoding work per image and the prior
/// alone is what <c>betterdepth prior</c> writes. Every file is written atomically, so an interrupted run leaves whole
/// files or none.
/// </summary>
public sealed class PredictionWriter(OutputFormats formats, CameraIntrinsics? intrinsics = null, double plyShift = 0.1, bool savePrior = false)
{
    readonly HashSet<string> cleanedFolders = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Write(string outputStem, RgbImage image, RefinementResult result)
    {
        var files = new List<(string Path, Action Write)>();
        files.AddRange(Files(outputStem, image, result.Refined));
        if (savePrior) files.AddRange(Files(outputStem + "_prior", image, result.Prior));
        if (result.Uncertainty is { } u) files.AddRange(Files(outputStem + "_uncertainty", image, u, pointCloud: false));
        return WriteAll(files);
    }

    /// <summary>
    /// The files <see cref="Write"/> writes for <paramref name="outputStem"/>: the refined map's, the prior's when
    /// asked for, and the uncertainty's when the result has one (ensembles of more than one member).
    /// </summary>
    public IReadOnlyList<string> ExpectedFiles(string outputStem, bool withUncertainty)
    {
        var paths = new List<string>();
        paths.AddRange(FileNames(outputStem, pointCloud: true));
        if (savePrior) paths.AddRange(FileNames(outputStem + "_prior", pointCloud: true));
        if (withUncertainty) paths.AddRange(FileNames(outputStem + "_uncertainty", pointCloud: false));
        return paths;
    }

    /// <summary>
    /// The rule of <c>--skip-existing</c>: an image is done when every file it would write is there. Each file is
    /// written atomically (a temp file renamed into place), so one that exists is whole; a missing one, or only a
    /// killed run's hidden temp file, means the image is done again, all of its files.
    /// </summary>
    public bool IsComplete(string outputStem, bool withUncertainty) => ExpectedFiles(outputStem, withUncertainty).All(File.Exists);

    List<string> FileNames(string stem, bool pointCloud) => Files(stem, null!, null!, pointCloud).Select(f => f.Path).ToList();

    public IReadOnlyList<string> WriteMap(string stem, RgbImage image, DepthMap map, bool pointCloud = true) =>
        WriteAll(Files(stem, image, map, pointCloud));

    /// <summary>
    /// Encodes the files concurrently: PNG encoding is single-threaded and the model is idle while outputs are
    /// written, so one file per core shortens the per-image time. The first failure is rethrown as itself, after the
    /// files of this image that were written are removed again: an image's outputs are all there or none is (a lone
    /// all-zero PNG beside a failed .npy looked like a result).
    /// </summary>
    IReadOnlyList<string> WriteAll(List<(string Path, Action Write)> files)
    {
        foreach (var folder in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f.Path))!).Distinct())
        {
            Directory.CreateDirectory(folder);
            // Hidden temp files of runs killed mid-write would otherwise pile up beside the outputs.
            lock (cleanedFolders) if (cleanedFolders.Add(folder)) AtomicFile.RemoveStaleTemps(folder);
        }
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            Parallel.ForEach(files, f => { f.Write(); written.Add(f.Path); });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            foreach (var path in written) TryDelete(path);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return files.Select(f => f.Path).ToList();
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    List<(string Path, Action Write)> Files(string stem, RgbImage image, DepthMap map, bool pointCloud = true)
    {
        var files = new List<(string, Action)>();
        void Add(string path, Action<string> write) => files.Add((path, () => write(path)));
        if (formats.HasFlag(OutputFormats.Npy)) Add(stem + ".npy", path => DepthFile.WriteNpy(path, map));
        if (formats.HasFlag(OutputFormats.Pfm)) Add(stem + ".pfm", path => DepthFile.WritePfm(path, map));
        if (formats.HasFlag(OutputFormats.Png16)) Add(stem + ".png", path => DepthFile.WritePng16(path, ToUnitRange(map), 65535));
        if (formats.HasFlag(OutputFormats.Color)) Add(stem + "_color.png", path => DepthFile.WriteColorPng(path, map, ColorMap.Spectral, null, null, null));
        // Nothing is read from image or map until a file is written: FileNames lists the paths without them.
        if (pointCloud && formats.HasFlag(OutputFormats.Ply))
            Add(stem + ".ply", path => PointCloud.WritePly(path, RelativeDepth(ToDisparityUnitRange(map)), intrinsics ?? DefaultIntrinsics(image.Width, image.Height), image, null));
        return files;
    }

    /// <summary>A map's values min-max scaled to [0, 1] (identity for maps already inside it).</summary>
    static DepthMap ToUnitRange(DepthMap map)
    {
        var (lo, hi) = PixelKernels.FiniteRange(map.Values);
        if (lo >= 0 && hi <= 1) return map;
        var scaled = new float[map.PixelCount];
        float range = hi > lo ? hi - lo : 1;
        for (int i = 0; i < scaled.Length; i++) scaled[i] = float.IsFinite(map.Values[i]) ? (map.Values[i] - lo) / range : 0;
        return new DepthMap(map.Width, map.Height, map.Kind, scaled);
    }

    static DepthMap ToDisparityUnitRange(DepthMap map)
    {
        var unit = ToUnitRange(map);
        if (!map.Kind.IsDepthLike()) return unit;
        var flipped = new float[unit.PixelCount];
        for (int i = 0; i < flipped.Length; i++) flipped[i] = 1 - unit.Values[i];
        return new DepthMap(map.Width, map.Height, DepthKind.AffineDisparity, flipped);
    }

    /// <summary>
    /// Affine-invariant disparity has no metric scale, so the point cloud uses depth = 1 / (d + shift) with d in
    /// [0, 1]: shapes are right up to the unknown affine, which is what a viewer can show.
    /// </summary>
    DepthMap RelativeDepth(DepthMap unitDisparity)
    {
        var depth = new float[unitDisparity.PixelCount];
        for (int i = 0; i < depth.Length; i++) depth[i] = (float)(1.0 / (unitDisparity.Values[i] + plyShift));
        // Labelled metric on purpose: the point cloud writer needs depth in some unit, and these relative units are it.
        return new DepthMap(unitDisparity.Width, unitDisparity.Height, DepthKind.Depth, depth);
    }

    /// <summary>Without calibration: a 60 degree horizontal field of view, principal point at the centre.</summary>
    public static CameraIntrinsics DefaultIntrinsics(int width, int height)
    {
        double f = width / 2.0 / Math.Tan(Math.PI / 6);
        return new CameraIntrinsics(f, f, (width - 1) / 2.0, (height - 1) / 2.0);
    }
}
