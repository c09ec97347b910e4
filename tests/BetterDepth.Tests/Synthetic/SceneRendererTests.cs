using BetterDepth.Synthetic;
using BetterDepth.Synthetic.Geometry;
using BetterDepth.Synthetic.Scenes;

namespace BetterDepth.Tests.Synthetic;

public class SceneRendererTests
{
    [Theory]
    [InlineData(SceneKind.Indoor)]
    [InlineData(SceneKind.Outdoor)]
    [InlineData(SceneKind.Desk)]
    [InlineData(SceneKind.Pavement)]
    public void SameSeedGivesTheSamePixelsSerialOrParallelAndAnotherSeedDoesNot(SceneKind kind)
    {
        var a = SceneRenderer.Render(11, kind, 64, 48);
        var b = SceneRenderer.Render(11, kind, 64, 48, new RenderOptions(ParallelRows: false));
        var c = SceneRenderer.Render(12, kind, 64, 48);
        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.Equal(a.Depth.Values, b.Depth.Values);
        Assert.Equal(a.Valid, b.Valid);
        Assert.Equal(a.Intrinsics, b.Intrinsics);
        Assert.NotEqual(a.Depth.Values, c.Depth.Values);
        Assert.NotEqual(a.Image.Data, c.Image.Data);
    }

    [Fact]
    public void ValidityMaskMatchesDepthAndSkyIsInvalid()
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var street = SceneRenderer.Render(seed, SceneKind.Outdoor, 64, 48);
            for (int i = 0; i < street.Valid.Length; i++)
                Assert.Equal(street.Valid[i], street.Depth.Values[i] > 0);
            Assert.All(street.Depth.Values, d => Assert.InRange(d, 0f, 80f));
            // Rays that point upward and hit nothing are sky: invalid, depth 0; there is sky in every street.
            int sky = Enumerable.Range(0, street.Valid.Length).Count(i => !street.Valid[i]);
            Assert.True(sky > 0, $"seed {seed}: no sky");
            var ray = street.Camera.RayThrough(32, 0);
            Assert.True(ray.Direction.Y > 0 || street.Valid[32]);

            var room = SceneRenderer.Render(seed, SceneKind.Indoor, 64, 48);
            Assert.All(room.Valid, Assert.True); // a closed room: every pixel sees a surface
            Assert.All(room.Depth.Values, d => Assert.InRange(d, 0.01f, 15f));
        }
    }

    [Theory]
    [InlineData(SceneKind.Indoor, 3)]
    [InlineData(SceneKind.Outdoor, 4)]
    public void BackProjectedFloorPixelsLandOnTheFloorPlane(SceneKind kind, int seed)
    {
        var (scene, camera) = kind == SceneKind.Indoor
            ? IndoorScene.Generate(new SceneRandom((ulong)seed), 80, 60)
            : OutdoorScene.Generate(new SceneRandom((ulong)seed), 80, 60);
        var frame = SceneRenderer.Render(scene, camera, new RenderOptions(Antialias: false));
        var floor = Assert.IsType<Plane>(scene.Primitives[0]);
        Assert.Equal(Vec3.UnitY, floor.Normal);
        var k = camera.Intrinsics;
        int onFloor = 0;
        for (int v = 0; v < camera.Height; v++)
            for (int u = 0; u < camera.Width; u++)
            {
                int i = v * camera.Width + u;
                if (frame.PrimitiveIds[i] != 0 || !frame.Valid[i]) continue;
                double z = frame.Depth.Values[i];
                // Pixel -> camera coordinates with the intrinsics alone, then the camera's pose into the world.
                double x = (u - k.Cx) * z / k.Fx, y = (v - k.Cy) * z / k.Fy;
                var world = camera.Position + camera.Right * x + camera.Down * y + camera.Forward * z;
                Assert.True(Math.Abs(world.Y) < 1e-4, $"pixel ({u},{v}) back-projects to height {world.Y}");
                onFloor++;
            }
        Assert.True(onFloor > 100, $"only {onFloor} floor pixels");
    }

    /// <summary>
    /// Thin structures: runs of 1 to 3 pixels in a row that are much nearer than the pixels on both sides
    /// (a leg, pole, wire or spindle in front of a background).
    /// </summary>
    static int ThinForegroundRuns(SyntheticSample s)
    {
        int w = s.Depth.Width, runs = 0;
        for (int y = 0; y < s.Depth.Height; y++)
            for (int x = 1; x < w - 4; x++)
            {
                float left = s.Depth[x - 1, y];
                for (int width = 1; width <= 3; width++)
                {
                    float right = s.Depth[x + width, y];
                    float far = Math.Min(left, right);
                    if (!s.Valid[y * w + x - 1] || !s.Valid[y * w + x + width]) continue;
                    bool near = true;
                    for (int k = 0; k < width; k++) near &= s.Valid[y * w + x + k] && s.Depth[x + k, y] < 0.8f * far;
                    if (near) { runs++; break; }
                }
            }
        return runs;
    }

    [Theory]
    [InlineData(SceneKind.Indoor)]
    [InlineData(SceneKind.Outdoor)]
    [InlineData(SceneKind.Desk)]
    public void ScenesContainThinStructuresInFrontOfABackground(SceneKind kind)
    {
        int scenesWithThinStructures = 0;
        for (int seed = 0; seed < 4; seed++)
            if (ThinForegroundRuns(SceneRenderer.Render(seed, kind, 128, 96)) >= 5) scenesWithThinStructures++;
        Assert.True(scenesWithThinStructures >= 3, $"{kind}: only {scenesWithThinStructures} of 4 scenes have thin structures");
    }

    [Fact]
    public void MixedLetsTheSeedChooseAndMatchesTheChosenKind()
    {
        var kinds = Enumerable.Range(0, 12).Select(seed => SceneRenderer.Render(seed, SceneKind.Mixed, 16, 12, new RenderOptions(false, false)).Kind).ToList();
        Assert.Contains(SceneKind.Indoor, kinds);
        Assert.Contains(SceneKind.Outdoor, kinds);
        Assert.DoesNotContain(SceneKind.Mixed, kinds);
    }

    [Fact]
    public void RejectsImpossibleSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SceneRenderer.Render(1, SceneKind.Indoor, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => SceneRenderer.Render(1, SceneKind.Indoor, 10, 100_000));
    }
}
