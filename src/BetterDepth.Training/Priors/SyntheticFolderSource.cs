using BetterDepth.Imaging;

namespace BetterDepth.Training.Priors;

/// <summary>
/// Training pairs from a dataset folder written by <c>betterdepth synth</c> (or laid out the same way):
/// a split file of lines "rgb_path depth_path" relative to the folder, depth as float32 .npy in metres
/// (or any format <see cref="DepthFile.Read"/> knows), 0 = invalid.
/// </summary>
public sealed class SyntheticFolderSource : IPriorTrainingSource
{
    readonly string root;
    readonly (string Rgb, string Depth)[] pairs;

    public SyntheticFolderSource(string root, string split = "train.txt")
    {
        this.root = root;
        var splitPath = Path.Combine(root, split);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: dataset folder not found");
        if (!File.Exists(splitPath)) throw new InvalidFileException(splitPath, "split file not found (expected one written by `betterdepth synth`)");
        var list = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(splitPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) throw new InvalidFileException(splitPath, $"line {lineNumber} has no depth path: '{line}'");
            list.Add((parts[0], parts[1]));
        }
        if (list.Count == 0) throw new InvalidFileException(splitPath, "split file lists no samples");
        pairs = [.. list];
    }

    public int Count => pairs.Length;

    public PriorTrainingSample Get(int index)
    {
        var (rgbPath, depthPath) = pairs[index];
        var image = ImageFile.ReadRgb(Path.Combine(root, rgbPath));
        var depthFile = Path.Combine(root, depthPath);
        var depth = DepthFile.Read(depthFile, DepthKind.Depth);
        if (depth.Width != image.Width || depth.Height != image.Height)
            throw new InvalidFileException(depthFile, $"depth is {depth.Width}x{depth.Height} but its image is {image.Width}x{image.Height}");
        var valid = depth.Values.Select(d => d > 0 && float.IsFinite(d)).ToArray();
        return new PriorTrainingSample(image, depth, valid);
    }
}
