using BetterDepth.Diffusion;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Refinement;

/// <summary>Untrained tiny refiners, small images and a prior with a known output, shared by the refinement, training and CLI tests.</summary>
public static class RefinementTestModels
{
    public static RefinerModel Tiny(Conditioning conditioning = Conditioning.ImageAndDepth, int seed = 7) =>
        RefinerModel.Create(ModelConfigs.Load("tiny"), conditioning, SchedulerConfig.MarigoldV1_0, seed, CPU);

    /// <summary>A smooth colour gradient with some texture, so the encoder and the prior see structure.</summary>
    public static RgbImage Image(int width, int height, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = 3 * (y * width + x);
                data[i] = (byte)(255 * x / Math.Max(1, width - 1));
                data[i + 1] = (byte)(255 * y / Math.Max(1, height - 1));
                data[i + 2] = (byte)rng.Next(256);
            }
        return new RgbImage(width, height, data);
    }

    /// <summary>
    /// Disparity growing towards the bottom of the image (a floor seen from above), mapped through
    /// <c>scale * v + offset</c> and given <paramref name="kind"/>; records the sizes it was asked for.
    /// </summary>
    public sealed class RampPrior(DepthKind kind = DepthKind.AffineDisparity, float scale = 1, float offset = 0) : IDepthPrior
    {
        public List<(int Width, int Height)> Calls { get; } = [];
        public string Name => "ramp";
        public DepthKind OutputKind => kind;
        public string CacheIdentity => $"ramp|{kind}|{scale}|{offset}";

        public DepthMap Predict(RgbImage image, CancellationToken ct = default)
        {
            Calls.Add((image.Width, image.Height));
            var v = new float[image.Width * image.Height];
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    v[y * image.Width + x] = scale * (1f + y + 0.25f * x) + offset;
            return new DepthMap(image.Width, image.Height, kind, v);
        }

        public void Dispose() { }
    }
}
