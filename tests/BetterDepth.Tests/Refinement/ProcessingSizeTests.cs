using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

public class ProcessingSizeTests
{
    [Theory]
    [InlineData(640, 480, 256, 256, 192)]   // 4:3: the long side is the processing resolution (Marigold's rule)
    [InlineData(480, 640, 256, 192, 256)]
    [InlineData(500, 500, 256, 256, 256)]   // squarer than 4:3: still the long side
    [InlineData(64, 48, 256, 256, 192)]     // small images are enlarged, as Marigold does
    [InlineData(37, 23, 0, 37, 23)]         // 0 keeps the input size
    public void UpToFourThreeTheLongSideIsTheProcessingResolution(int width, int height, int res, int w, int h)
    {
        var size = ProcessingSize.For(width, height, res, 8);
        Assert.Equal((w, h), (size.Width, size.Height));
    }

    [Theory]
    [InlineData(1242, 375, 256)]   // KITTI, 3.3:1: 403x122 rather than 256x77
    [InlineData(375, 1242, 256)]
    [InlineData(4000, 500, 384)]
    public void MoreElongatedFramesKeepTheFourThreeFramesPixelCount(int width, int height, int res)
    {
        var size = ProcessingSize.For(width, height, res, 8);
        Assert.True(Math.Max(size.Width, size.Height) > res);
        Assert.Equal(res * res * 3 / 4.0, size.Width * (double)size.Height, res * res * 0.01);
        Assert.Equal(width / (double)height, size.Width / (double)size.Height, 0.02 * width / height);
        Assert.Equal((0, 0), (size.PaddedWidth % 8, size.PaddedHeight % 8));
    }
}
