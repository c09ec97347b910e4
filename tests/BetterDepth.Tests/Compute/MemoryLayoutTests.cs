using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Compute;

public class MemoryLayoutTests
{
    [Fact]
    public void Channels_last_keeps_shape_and_values_and_stores_channels_fastest()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Enumerable.Range(0, 120).Select(i => (float)i).ToArray(), [2, 3, 4, 5]);
        var nhwc = MemoryLayout.ChannelsLast(x);
        Assert.Equal(x.shape, nhwc.shape);
        Assert.Equal(new long[] { 60, 1, 15, 3 }, nhwc.stride());
        Assert.True(MemoryLayout.IsChannelsLast(nhwc));
        Assert.False(MemoryLayout.IsChannelsLast(x));
        Assert.Equal(x.data<float>().ToArray(), nhwc.contiguous().data<float>().ToArray());
        // already channels-last: the same storage, not a copy
        var again = MemoryLayout.ChannelsLast(nhwc);
        again.copy_(zeros_like(again));
        Assert.Equal(0, nhwc.abs().sum().item<float>());
        Assert.Throws<ArgumentException>(() => MemoryLayout.ChannelsLast(zeros(3, 4, 5)));
    }

    [Fact]
    public void A_convolution_on_channels_last_input_computes_what_it_does_on_the_plain_layout()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var conv = nn.Conv2d(3, 16, 3, padding: 1);
        using var noGrad = no_grad();
        var x = randn(1, 3, 24, 32);
        var plain = conv.forward(x);
        var nhwc = conv.forward(MemoryLayout.ChannelsLast(x));
        Assert.True(MemoryLayout.IsChannelsLast(nhwc), "libtorch keeps the input's layout");
        Assert.True(plain.allclose(nhwc, rtol: 1e-5, atol: 1e-5));
    }
}
