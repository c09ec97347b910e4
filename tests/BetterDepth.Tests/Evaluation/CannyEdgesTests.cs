using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class CannyEdgesTests
{
    const int W = 40, H = 30;

    static double[] Image(Func<int, int, double> f)
    {
        var image = new double[W * H];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) image[y * W + x] = f(x, y);
        return image;
    }

    static IEnumerable<int> EdgeColumns(bool[] edges) => Enumerable.Range(0, edges.Length).Where(i => edges[i]).Select(i => i % W).Distinct().Order();

    [Fact]
    public void StepEdgeIsFoundOnBothSidesOfTheStep()
    {
        // between columns 19 and 20: the two columns have equal gradient magnitude and both survive suppression (>=, as in skimage)
        var edges = CannyEdges.Detect(Image((x, _) => x < 20 ? 0 : 1), W, H, Math.Sqrt(2), 0.15, 0.3);
        Assert.Equal([19, 20], EdgeColumns(edges));
        for (int y = 1; y < H - 1; y++) Assert.True(edges[y * W + 19] || edges[y * W + 20], $"row {y} lost the edge");
        Assert.False(edges[19] || edges[(H - 1) * W + 20]); // border rows are never edges
    }

    [Fact]
    public void CentredEdgeIsOnePixelWide()
    {
        var edges = CannyEdges.Detect(Image((x, _) => x < 20 ? 0 : x == 20 ? 0.5 : 1), W, H, Math.Sqrt(2), 0.15, 0.3);
        Assert.Equal([20], EdgeColumns(edges));
        Assert.Equal(H - 2, edges.Count(e => e));
    }

    [Fact]
    public void HorizontalEdgeAndThresholds()
    {
        var edges = CannyEdges.Detect(Image((_, y) => y < 10 ? 2 : 1), W, H, 1.0, 0.15, 0.3);
        var rows = Enumerable.Range(0, edges.Length).Where(i => edges[i]).Select(i => i / W).Distinct().Order();
        Assert.Equal([9, 10], rows);
        // a step of 0.02 gives a Sobel magnitude well under 0.15: nothing
        Assert.DoesNotContain(true, CannyEdges.Detect(Image((x, _) => x < 20 ? 0 : 0.02), W, H, Math.Sqrt(2), 0.15, 0.3));
        // a gentle ramp (0.01 per pixel -> magnitude 0.08) is not an edge either
        Assert.DoesNotContain(true, CannyEdges.Detect(Image((x, _) => 0.01 * x), W, H, Math.Sqrt(2), 0.15, 0.3));
    }

    [Fact]
    public void HysteresisKeepsWeakPartsConnectedToStrongOnes()
    {
        // one step whose height fades from 1 (top) to 0.05 (bottom): rows above the low threshold stay while connected
        var image = Image((x, y) => x < 20 ? 0 : 1.0 - 0.95 * y / (H - 1));
        var strictLow = CannyEdges.Detect(image, W, H, 1.0, 0.3, 0.3);
        var linked = CannyEdges.Detect(image, W, H, 1.0, 0.1, 0.3);
        Assert.True(linked.Count(e => e) > strictLow.Count(e => e));
        Assert.DoesNotContain(true, CannyEdges.Detect(image, W, H, 1.0, 0.1, 100)); // nothing reaches the high threshold
    }

    [Fact]
    public void MaskBoundaryIsNotAnEdge()
    {
        // the step coincides with the end of the valid region: no pixel next to masked-out pixels may fire
        var mask = Enumerable.Range(0, W * H).Select(i => i % W < 20).ToArray();
        var edges = CannyEdges.Detect(Image((x, _) => x < 20 ? 0 : 1), W, H, Math.Sqrt(2), 0.15, 0.3, mask);
        Assert.DoesNotContain(true, edges);
    }

    [Fact]
    public void RejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => CannyEdges.Detect(new double[5], 2, 2, 1, 0.1, 0.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => CannyEdges.Detect(new double[4], 2, 2, 0, 0.1, 0.2));
        Assert.Throws<ArgumentException>(() => CannyEdges.Detect(new double[4], 2, 2, 1, 0.3, 0.2));
        Assert.Throws<ArgumentException>(() => CannyEdges.Detect([0, double.NaN, 0, 0], 2, 2, 1, 0.1, 0.2));
    }
}
