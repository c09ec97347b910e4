using BetterDepth.Priors;

namespace BetterDepth.Tests.Priors;

public class NetworkInputSizeTests
{
    [Theory]
    // Depth Anything: short side to 518, long side scaled alike and snapped to a multiple of 14 (690.7 -> 686, 920.9 -> 924).
    [InlineData(640, 480, 518, 14, SizeBound.LowerBound, 686, 518)]
    [InlineData(1920, 1080, 518, 14, SizeBound.LowerBound, 924, 518)]
    [InlineData(518, 518, 518, 14, SizeBound.LowerBound, 518, 518)]
    // Snapping may not break the lower bound: 300x100 -> 1554 x 518 (exact multiples).
    [InlineData(300, 100, 518, 14, SizeBound.LowerBound, 1554, 518)]
    // MiDaS small: long side to 256, 480 * 0.4 = 192 = 6 * 32.
    [InlineData(640, 480, 256, 32, SizeBound.UpperBound, 256, 192)]
    // Upper bound: 256 * 500/400 = 320 would exceed, 400 -> 256 and 500 scaled by 0.512 = 204.8 -> round 192 (6.4 -> 6).
    [InlineData(500, 400, 256, 32, SizeBound.UpperBound, 256, 192)]
    // DPT "minimal": scale 0.8 (closer to 1 than 0.6): 512 x 384.
    [InlineData(640, 480, 384, 32, SizeBound.Minimal, 512, 384)]
    public void Sizes_follow_the_reference_rule(int w, int h, int size, int multiple, SizeBound bound, int ew, int eh)
    {
        var (nw, nh) = NetworkInputSize.For(w, h, size, multiple, bound);
        Assert.Equal((ew, eh), (nw, nh));
        Assert.Equal(0, nw % multiple);
        Assert.Equal(0, nh % multiple);
    }

    [Fact]
    public void Ties_round_to_even_like_numpy()
    {
        // Scale 1 (width already at the base size): 21 / 14 = 1.5 -> 2 and 35 / 14 = 2.5 -> 2, both 28 (half-up would give 42 for the height).
        Assert.Equal((28, 28), NetworkInputSize.For(21, 35, 21, 14, SizeBound.Minimal));
    }

    [Fact]
    public void Non_positive_sizes_are_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NetworkInputSize.For(0, 10, 518, 14, SizeBound.LowerBound));
}
