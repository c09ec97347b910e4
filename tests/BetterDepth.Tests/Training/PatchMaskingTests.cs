using BetterDepth.Training;
namespace BetterDepth.Tests.Training;

public class PatchMaskingTests
{
    // 16x12 with w = 8: patches A (x0-7, y0-7), B (x8-15, y0-7) are full; C (x0-7, y8-11), D (x8-15, y8-11) are cut by the border.
    const int W = 16, H = 12;

    static (DepthMap prior, DepthMap target, bool[] valid) Scene()
    {
        var target = new DepthMap(W, H, DepthKind.Normalized);
        var prior = new DepthMap(W, H, DepthKind.Normalized);
        var valid = Enumerable.Repeat(true, W * H).ToArray();
        prior[3, 3] = 1f;                  // A: one pixel off by 1 -> RMS = sqrt(1/64) = 0.125 -> kept at eta = 0.125
        prior[9, 2] = 1f; prior[10, 2] = 1f; // B: two pixels off by 1 -> RMS = sqrt(2/63) = 0.178 > 0.125 -> dropped
        prior[12, 5] = 1000f; valid[5 * W + 12] = false; // ... and one invalid pixel in B, which must not count however far off
        prior[2, 9] = 1f;                  // C: 8x4 partial patch, one pixel off by 1 -> RMS = sqrt(1/32) > 0.125 -> dropped
        for (int y = 8; y < H; y++) for (int x = 8; x < W; x++) valid[y * W + x] = false; // D: no ground truth -> dropped
        return (prior, target, valid);
    }

    [Fact]
    public void KeepsPatchesWithinTheTolerance()
    {
        var (prior, target, valid) = Scene();
        var mask = PatchMasking.PixelMask(prior, target, valid, 8, 0.125);
        for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
        {
            bool inA = x < 8 && y < 8;
            bool expected = inA;
            Assert.True(expected == mask[y * W + x], $"pixel ({x},{y}) expected {expected}");
        }
    }

    [Fact]
    public void LooserToleranceKeepsPartialPatchAndStillDropsInvalidPixels()
    {
        var (prior, target, valid) = Scene();
        var mask = PatchMasking.PixelMask(prior, target, valid, 8, 0.18); // C: sqrt(1/32) = 0.177, B: sqrt(2/63) = 0.178 -> both kept
        Assert.True(mask[9 * W + 2]);
        Assert.True(mask[2 * W + 9]);
        Assert.False(mask[5 * W + 12]);
        Assert.False(PatchMasking.PixelMask(prior, target, valid, 8, 0.176)[9 * W + 2]);
        Assert.False(mask[10 * W + 10]);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var (prior, target, valid) = Scene();
        Assert.Throws<ArgumentException>(() => PatchMasking.PixelMask(prior, target, valid, 0));
        Assert.Throws<ArgumentException>(() => PatchMasking.PixelMask(prior, target, valid, 8, -1));
        // eta = 0 would keep only exact agreement: refused here as in a training config
        Assert.Throws<ArgumentException>(() => PatchMasking.PixelMask(prior, target, valid, 8, 0));
        Assert.Throws<ArgumentException>(() => PatchMasking.PixelMask(prior, new DepthMap(4, 4, DepthKind.Normalized), valid));
        prior[0, 0] = float.NaN;
        Assert.Throws<ArgumentException>(() => PatchMasking.PixelMask(prior, target, valid));
    }
}
