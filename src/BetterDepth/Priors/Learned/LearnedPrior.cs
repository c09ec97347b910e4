using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// The project's own feed-forward depth prior (<see cref="PriorCnn"/>, trained by <c>betterdepth train-prior</c>):
/// resizes the image to the network's working resolution, predicts affine-invariant disparity and resizes it
/// back to the input size. Good at layout, blurry at thin structures, like the real priors it stands in for.
/// </summary>
public sealed class LearnedPrior : IDepthPrior
{
    /// <summary>The weights the project trained and ships, relative to the repository root.</summary>
    public const string DefaultWeights = "models/prior-cnn/" + WeightsFile;

    /// <summary>The weights' file name in a prior folder (what train-prior writes, what models/prior-cnn holds).</summary>
    public const string WeightsFile = "prior.safetensors";

    readonly PriorCnn model;
    readonly Device device;
    readonly object gate = new();

    public string Name => "learned";
    public DepthKind OutputKind => DepthKind.AffineDisparity;
    public PriorCnnConfig Config => model.Config;
    public string WeightsPath { get; }

    /// <summary>Caches key on the weights' content, so retrained weights at the same path are not confused.</summary>
    public string CacheIdentity { get; }

    /// <summary>Loads <paramref name="weightsPath"/>, a weights file or the folder holding one (bad, missing or mismatched weights: <see cref="InvalidFileException"/>).</summary>
    public LearnedPrior(string weightsPath, Device? device = null)
    {
        this.device = device ?? CPU;
        WeightsPath = ResolveWeights(weightsPath);
        model = PriorWeights.Load(WeightsPath, this.device);
        CacheIdentity = $"{Name}:{PriorWeights.ContentHash(WeightsPath)}:{Config.Width}x{Config.Height}";
        model.eval();
    }

    /// <summary>
    /// The shipped weights: <see cref="DefaultWeights"/> under the current folder or under a folder above the
    /// program (a clone's build output lives inside the clone).
    /// </summary>
    public static string FindDefaultWeights()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultWeights);
                if (File.Exists(candidate)) return candidate;
            }
        throw new FileNotFoundException($"default learned-prior weights {DefaultWeights} not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; pass learned:PATH");
    }

    /// <summary>A folder stands for the <see cref="WeightsFile"/> in it.</summary>
    public static string ResolveWeights(string path)
    {
        if (!Directory.Exists(path)) return path;
        var file = Path.Combine(path, WeightsFile);
        return File.Exists(file) ? file : throw new FileNotFoundException($"{path}: the folder holds no {WeightsFile}", file);
    }

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ct.ThrowIfCancellationRequested();
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = PriorInput.Batch([image], Config.Width, Config.Height, device);
            var disparity = model.forward(input);
            return PriorInput.ToMap(disparity, image.Width, image.Height, OutputKind);
        }
    }

    public void Dispose() => model.Dispose();
}
