using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class CropTests
{
    [Fact]
    public void NyuEigenCropKeeps426By560PixelsOf480By640()
    {
        var box = StandardCrops.NyuEigen(640, 480);
        Assert.Equal(new CropBox(41, 45, 560, 426), box);
        var mask = Enumerable.Repeat(true, 640 * 480).ToArray();
        box.KeepOnlyInside(mask, 640, 480);
        Assert.Equal(426 * 560, mask.Count(v => v));
        Assert.False(mask[44 * 640 + 100]);
        Assert.True(mask[45 * 640 + 41]);
        Assert.False(mask[45 * 640 + 601]);
        Assert.True(mask[470 * 640 + 600]);
    }

    [Fact]
    public void KittiBenchmarkCropTakesBottomRowsAndCentredColumns()
    {
        Assert.Equal(new CropBox(13, 23, 1216, 352), StandardCrops.KittiBenchmark(1242, 375));
        // Odd margins truncate like Python's int((W - 1216) / 2).
        Assert.Equal(new CropBox(12, 24, 1216, 352), StandardCrops.KittiBenchmark(1241, 376));
        Assert.Throws<ArgumentException>(() => StandardCrops.KittiBenchmark(1200, 375));
    }

    [Fact]
    public void KittiEigenAndGargRegionsMatchMarigoldsTruncatedFractions()
    {
        // Values of int(fraction * size) for the benchmark frame 352x1216, computed in Python.
        Assert.Equal(CropBox.FromSlices(117, 321, 43, 1172, 1216, 352), StandardCrops.KittiEigen(1216, 352));
        Assert.Equal(204 * 1129, StandardCrops.KittiEigen(1216, 352).PixelCount);
        Assert.Equal(206 * 1129, StandardCrops.KittiGarg(1216, 352).PixelCount);
        Assert.Equal(CropBox.FromSlices(9, 27, 1, 38, 40, 30), StandardCrops.KittiEigen(40, 30));
    }

    [Fact]
    public void SlicesBeyondTheImageAreClippedLikeNumpy()
    {
        var box = StandardCrops.NyuEigen(100, 60);
        Assert.Equal(new CropBox(41, 45, 59, 15), box);
    }

    [Fact]
    public void ApplyCutsMapsAndMasks()
    {
        var map = new DepthMap(4, 3, DepthKind.Depth, Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        var box = new CropBox(1, 1, 2, 2);
        Assert.Equal([5f, 6f, 9f, 10f], box.Apply(map).Values);
        var mask = Enumerable.Range(0, 12).Select(i => i % 2 == 0).ToArray();
        Assert.Equal([false, true, false, true], box.Apply(mask, 4, 3));
        Assert.Throws<ArgumentException>(() => new CropBox(3, 0, 2, 2).Apply(map));
    }
}
