using BetterDepth.Synthetic;

namespace BetterDepth.Tests.Synthetic;

/// <summary>Streets seen from the pavement: where the camera stands, and the depth range that is their reason to exist.</summary>
public class PavementSceneTests
{
    static readonly long[] Seeds = [.. Enumerable.Range(0, 40).Select(i => SyntheticDataset.SceneSeed(6161, i))];

    static SyntheticSample Render(long seed, SceneKind kind) => SceneRenderer.Render(seed, kind, 64, 48, new RenderOptions(Antialias: false));

    [Fact]
    public void TheCameraStandsOnAPavementAtAPedestriansEyeHeight()
    {
        foreach (long seed in Seeds)
        {
            var s = Render(seed, SceneKind.Pavement);
            Assert.Equal(SceneKind.Pavement, s.Kind);
            // The road's half-width is at least 3.5 m and the eye at least 0.8 m past the kerb; the pavement is 0.15 m high.
            Assert.True(Math.Abs(s.Camera.Position.X) > 4.3, $"seed {seed}: eye at x = {s.Camera.Position.X:F2} m, over the road");
            Assert.InRange(s.Camera.Position.Y, 1.55, 2.05);
        }
    }

    /// <summary>A wall or car within 4 m over a tenth of the frame while the street runs past 25 m in a twentieth of it.</summary>
    static bool NearAndFar(SyntheticSample s)
    {
        var d = s.Depth.Values.Where(v => v > 0).ToArray();
        return d.Count(v => v < 4) > 0.1 * d.Length && d.Count(v => v > 25) > 0.05 * d.Length;
    }

    [Fact]
    public void FarMoreFramesHoldNearAndFarThanFromTheRoad()
    {
        int pavement = Seeds.Count(seed => NearAndFar(Render(seed, SceneKind.Pavement)));
        int road = Seeds.Count(seed => NearAndFar(Render(seed, SceneKind.Outdoor)));
        Assert.True(pavement >= 1.5 * road && pavement > Seeds.Length / 2, $"frames with near and far: pavement {pavement}, road {road} of {Seeds.Length}");
    }
}
