using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class MaskFileTests
{
    [Fact]
    public void MiddleburyMaskPngNonzeroIsValid()
    {
        var (mask, w, h) = MaskFile.Read(TestData.Real("middlebury2014-motorcycle", "mask0nocc.png"));
        Assert.Equal((741, 497), (w, h));
        Assert.Equal(741 * 497 - 7684, mask.Count(v => v));
    }

    [Fact]
    public void ColourPngIsNotAMask()
    {
        var path = TestData.Real("tum-fr1", "1.png");
        Assert.Contains("single-channel", Assert.Throws<InvalidFileException>(() => MaskFile.Read(path)).Message);
    }
}
