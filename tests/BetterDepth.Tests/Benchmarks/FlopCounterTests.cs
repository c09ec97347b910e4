using BetterDepth.Benchmarks;
using BetterDepth.Diffusion;
using TorchSharp.Modules;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Benchmarks;

public class FlopCounterTests
{
    [Fact]
    public void Single_convolution_counts_two_flops_per_multiply_add()
    {
        using var conv = nn.Conv2d(3, 8, 3, padding: 1);
        var counter = new ModuleFlopCounter();
        var size = counter.Visit("conv", conv, 10, 12);
        Assert.Equal((10L, 12L), size);
        Assert.Equal(2.0 * 3 * 3 * 3 * 8 * 10 * 12, counter.Result.Total);
    }

    [Fact]
    public void Strided_grouped_convolution_uses_output_size_and_channels_per_group()
    {
        using var conv = nn.Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2);
        var counter = new ModuleFlopCounter(batch: 3);
        var size = counter.Visit("conv", conv, 9, 8);
        Assert.Equal((5L, 4L), size);
        Assert.Equal(2.0 * 2 * 3 * 3 * 6 * 5 * 4 * 3, counter.Result.Total);
    }

    [Fact]
    public void Single_linear_counts_per_token()
    {
        using var linear = nn.Linear(16, 4);
        var counter = new ModuleFlopCounter();
        counter.Visit("fc", linear, 1, 1, tokens: 5);
        Assert.Equal(2.0 * 16 * 4 * 5, counter.Result.Total);
        var spatial = new ModuleFlopCounter();
        spatial.Visit("fc", linear, 3, 7);
        Assert.Equal(2.0 * 16 * 4 * 21, spatial.Result.Total);
    }

    [Fact]
    public void Self_and_cross_attention_count_projections_and_both_matmuls()
    {
        using var self = new Attention(8, null, heads: 2, headDim: 4, qkvBias: false);
        var counter = new ModuleFlopCounter(contextTokens: 5);
        counter.Visit("block.attn1", self, 3, 3);
        Assert.Equal(4 * 2.0 * 8 * 8 * 9, counter.Result.Of(FlopKind.Linear));
        Assert.Equal(4.0 * 9 * 9 * 8, counter.Result.Of(FlopKind.AttentionMatmul));

        using var cross = new Attention(8, 6, heads: 2, headDim: 4, qkvBias: false);
        var crossCounter = new ModuleFlopCounter(contextTokens: 5);
        crossCounter.Visit("block.attn2", cross, 3, 3);
        Assert.Equal(2 * 2.0 * 8 * 8 * 9 + 2 * 2.0 * 6 * 8 * 5, crossCounter.Result.Of(FlopKind.Linear));
        Assert.Equal(4.0 * 9 * 5 * 8, crossCounter.Result.Of(FlopKind.AttentionMatmul));
    }

    [Fact]
    public void Unet_walk_counts_every_convolution_and_linear_layer_once()
    {
        using var unet = new UNet2DConditionModel(Named("tiny").UNet);
        var count = UNetFlopCounter.Count(unet, 16, 16, contextTokens: 4);
        var expected = unet.named_modules().Where(m => m.module is Conv2d or Linear).Select(m => m.name).Order().ToList();
        var counted = count.Layers.Where(l => l.Kind != FlopKind.AttentionMatmul).Select(l => l.Module).Order().ToList();
        Assert.Equal(expected, counted);
        Assert.All(count.Layers, l => Assert.True(l.Flops > 0, l.Module));
    }

    [Theory]
    [InlineData(16, 16, 8, 8, 4, 4)]
    [InlineData(18, 22, 9, 11, 5, 6)] // odd sizes: stride-2 convolutions round up, upsamplers follow the skips
    public void Unet_walk_follows_the_resolution_of_each_level(int h, int w, int h1, int w1, int h2, int w2)
    {
        using var unet = new UNet2DConditionModel(Named("tiny").UNet);
        var count = UNetFlopCounter.Count(unet, h, w, contextTokens: 4);
        double Of(string module) => count.Layers.Single(l => l.Module == module).Flops;

        Assert.Equal(2.0 * 48 * 9 * 32 * h * w, Of("conv_in"));
        Assert.Equal(2.0 * 32 * 9 * 32 * h1 * w1, Of("down_blocks.0.downsamplers.0.conv"));
        Assert.Equal(2.0 * 64 * 9 * 64 * h2 * w2, Of("down_blocks.1.downsamplers.0.conv"));
        // The only transformers of tiny sit at the lowest level (64 channels): self-attention over its h2*w2 tokens.
        var selfAttention = count.Layers.Single(l => l.Kind == FlopKind.AttentionMatmul && l.Module == "down_blocks.2.attentions.0.transformer_blocks.0.attn1");
        Assert.Equal(4.0 * (h2 * w2) * (h2 * w2) * 64, selfAttention.Flops);
        Assert.Equal(2.0 * 64 * 9 * 64 * h1 * w1, Of("up_blocks.0.upsamplers.0.conv"));
        Assert.Equal(2.0 * 64 * 9 * 64 * h * w, Of("up_blocks.1.upsamplers.0.conv"));
        Assert.Equal(2.0 * 32 * 9 * 16 * h * w, Of("conv_out"));
        Assert.Equal(2.0 * 32 * 128, Of("time_embedding.linear_1"));
    }
}
