using System.Collections.Concurrent;
using BetterDepth.Synthetic;

namespace BetterDepth.Training.Priors;

/// <summary>
/// Training pairs rendered on demand by <see cref="SceneRenderer"/> (mixed indoor and street scenes),
/// scene i using seed <c>firstSeed + i</c>. Rendered scenes are kept in memory: ray casting a scene costs
/// more than a training step uses it for.
/// </summary>
public sealed class RenderedSceneSource(int count, int width, int height, long firstSeed = 0) : IPriorTrainingSource
{
    readonly ConcurrentDictionary<int, PriorTrainingSample> cache = new();

    public int Count { get; } = count > 0 ? count : throw new ArgumentException($"scene count must be positive, got {count}", nameof(count));

    public PriorTrainingSample Get(int index) => cache.GetOrAdd(index, i =>
    {
        var sample = SceneRenderer.Render(firstSeed + i, SceneKind.Mixed, width, height);
        return new PriorTrainingSample(sample.Image, sample.Depth, sample.Valid);
    });
}
