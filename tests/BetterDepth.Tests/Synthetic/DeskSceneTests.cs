using BetterDepth.Synthetic;

namespace BetterDepth.Tests.Synthetic;

/// <summary>Close-up scenes: what makes them close-up, and the Varied mix that includes them.</summary>
public class DeskSceneTests
{
    static readonly SyntheticSample[] Scenes = Enumerable.Range(0, 8).Select(seed => SceneRenderer.Render(seed, SceneKind.Desk, 96, 72)).ToArray();

    [Fact]
    public void EveryPixelHasAFinitePositiveDepthWithinAFewMetres()
    {
        foreach (var s in Scenes)
        {
            Assert.Equal(SceneKind.Desk, s.Kind);
            Assert.All(s.Valid, Assert.True); // a closed room
            Assert.All(s.Depth.Values, d => Assert.True(float.IsFinite(d) && d > 0.02f && d < 12f, $"depth {d}"));
        }
    }

    [Fact]
    public void MedianDepthIsCloseUp()
    {
        var medians = Scenes.Select(s => s.Depth.Values.Order().ElementAt(s.Depth.Values.Length / 2)).ToArray();
        Assert.All(medians, m => Assert.True(m < 3f, $"median depth {m} m"));
        Assert.True(medians.Order().ElementAt(medians.Length / 2) < 2f, $"medians {string.Join(", ", medians)}");
    }

    /// <summary>Share of neighbouring pixel pairs whose depths differ by more than 5 %: occlusion edges, not slopes.</summary>
    static double DepthEdgeShare(SyntheticSample s)
    {
        int w = s.Depth.Width, h = s.Depth.Height, edges = 0;
        bool Jump(float a, float b) => Math.Abs(a - b) > 0.05f * Math.Min(a, b);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                if (x + 1 < w && Jump(s.Depth[x, y], s.Depth[x + 1, y])) edges++;
                if (y + 1 < h && Jump(s.Depth[x, y], s.Depth[x, y + 1])) edges++;
            }
        return edges / (double)(w * h);
    }

    [Fact]
    public void ScenesHaveManyDepthDiscontinuities()
    {
        var shares = Scenes.Select(DepthEdgeShare).ToArray();
        Assert.True(shares.Count(v => v > 0.02) >= 7, $"depth-edge shares {string.Join(", ", shares.Select(v => v.ToString("F3")))}");
        Assert.True(shares.Average() > 0.04, $"mean depth-edge share {shares.Average():F3}");
    }

    [Fact]
    public void VariedChoosesIndoorOutdoorAndDeskAtFortyFortyTwentyPercent()
    {
        const int Count = 1000;
        var kinds = Enumerable.Range(0, Count).Select(i => SceneRenderer.KindOf(SyntheticDataset.SceneSeed(3, i), SceneKind.Varied)).ToArray();
        double Share(SceneKind k) => kinds.Count(x => x == k) / (double)Count;
        Assert.InRange(Share(SceneKind.Indoor), 0.35, 0.45);
        Assert.InRange(Share(SceneKind.Outdoor), 0.35, 0.45);
        Assert.InRange(Share(SceneKind.Desk), 0.16, 0.24);
    }

    [Theory]
    [InlineData(SceneKind.Varied)]
    [InlineData(SceneKind.Mixed)]
    [InlineData(SceneKind.Desk)]
    public void KindOfIsTheKindTheRendererGenerates(SceneKind kind)
    {
        for (int seed = 0; seed < 16; seed++)
            Assert.Equal(SceneRenderer.KindOf(seed, kind), SceneRenderer.Render(seed, kind, 16, 12, new RenderOptions(false, false)).Kind);
    }
}
