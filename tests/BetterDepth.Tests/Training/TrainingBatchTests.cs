using BetterDepth.Tests.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training;

public class TrainingBatchTests
{
    static Tensor Mask(bool[] values) => tensor(values, [1, 1, 8, 8]).to(ScalarType.Float32);

    [Fact]
    public void LatentCellCountsWhenAKeptPatchCoversItAndAllItsPixelsAreValid()
    {
        // 8x8 pixels, factor 4 -> 2x2 latent cells.
        var kept = new bool[64];
        var valid = Enumerable.Repeat(true, 64).ToArray();
        kept[1 * 8 + 2] = true;                                  // cell (0, 0): one kept pixel is enough (max pool)
        for (int y = 4; y < 8; y++) for (int x = 0; x < 4; x++) kept[y * 8 + x] = true;  // cell (1, 0): all kept ...
        valid[6 * 8 + 1] = false;                                // ... but one pixel without ground truth
        for (int y = 4; y < 8; y++) for (int x = 4; x < 8; x++) kept[y * 8 + x] = true;  // cell (1, 1): kept, all valid
        // cell (0, 1): nothing kept
        using var empty = zeros(1, 1, 8, 8);
        var batch = new TrainingBatch(zeros(1, 3, 8, 8), empty, empty, Mask(kept), Mask(valid));
        using var latent = batch.LatentMask(4);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, latent.shape);
        Assert.Equal(new float[] { 1, 0, 0, 1 }, latent.data<float>().ToArray());
    }

    [Fact]
    public void StackMirrorsFlippedSamplesAndKeepsTheOthers()
    {
        var image = RefinementTestModels.Image(8, 4);
        var ramp = new DepthMap(8, 4, DepthKind.Normalized, Enumerable.Range(0, 32).Select(i => (float)(i % 8)).ToArray());
        var mask = Enumerable.Range(0, 32).Select(i => i % 8 == 0).ToArray();
        var sample = new PreparedSample(image, ramp, ramp, mask, mask);
        var batch = TrainingBatch.Stack([sample, sample], [false, true], CPU);
        Assert.Equal(new long[] { 2, 1, 4, 8 }, batch.Targets.shape);
        Assert.Equal(0f, batch.Targets[0, 0, 0, 0].item<float>());
        Assert.Equal(7f, batch.Targets[1, 0, 0, 0].item<float>());
        Assert.Equal(1f, batch.LossMask[1, 0, 2, 7].item<float>());
        Assert.Equal(0f, batch.LossMask[1, 0, 2, 0].item<float>());
        Assert.Equal(batch.Images[0, 0, 1, 0].item<float>(), batch.Images[1, 0, 1, 7].item<float>());
    }
}
