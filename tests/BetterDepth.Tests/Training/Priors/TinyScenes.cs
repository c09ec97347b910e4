using BetterDepth.Training.Priors;
namespace BetterDepth.Tests.Training.Priors;

/// <summary>
/// Minimal RGB-D pairs for the learned-prior tests: a floor receding to a far wall with a box in front,
/// coloured by depth so the mapping is learnable in a few steps; the top rows are sky (invalid).
/// </summary>
internal sealed class TinyScenes(int count, int width = 96, int height = 64) : IPriorTrainingSource
{
    public int Count => count;

    public PriorTrainingSample Get(int index)
    {
        var rng = new Random(index);
        var horizon = height / 3 + rng.Next(height / 6);
        int bx = rng.Next(width / 2), bw = width / 4 + rng.Next(width / 4), by = horizon + 2, bh = height / 3;
        double wall = 8 + 4 * rng.NextDouble(), boxDepth = 2 + rng.NextDouble();
        var image = new RgbImage(width, height);
        var depth = new DepthMap(width, height, DepthKind.Depth);
        var valid = new bool[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = y * width + x;
            double d = y < 4 ? 0 : y <= horizon ? wall : Math.Min(wall, wall * (horizon + 1.0) / (y + 1.0) * 1.5);
            if (x >= bx && x < bx + bw && y >= by && y < by + bh) d = boxDepth;
            depth.Values[i] = (float)d;
            valid[i] = d > 0;
            var shade = d > 0 ? (byte)Math.Clamp(255 - 20 * d, 0, 255) : (byte)230;
            image.Data[3 * i] = shade;
            image.Data[3 * i + 1] = (byte)(d > 0 ? shade / 2 : 240);
            image.Data[3 * i + 2] = (byte)(d > 0 ? 40 : 255);
        }
        return new PriorTrainingSample(image, depth, valid);
    }
}
