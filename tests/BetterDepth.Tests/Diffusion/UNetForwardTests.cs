using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

public class UNetForwardTests
{
    [Theory]
    [InlineData(16, 16)]
    [InlineData(18, 22)] // not a multiple of 4: upsamplers must follow the skip sizes
    public void Tiny_unet_maps_latents_to_latents_of_the_same_size(int h, int w)
    {
        var config = Named("tiny");
        using var unet = new UNet2DConditionModel(config.UNet);
        using var x = randn(2, 48, h, w);
        using var t = tensor(new long[] { 10, 900 });
        using var ctx = randn(2, 4, 32);
        using var y = unet.forward(x, t, ctx);
        Assert.Equal(new long[] { 2, 16, h, w }, y.shape);
        Assert.True(isfinite(y).all().item<bool>());
    }

    [Fact]
    public void Output_depends_on_timestep_and_context_and_a_scalar_timestep_broadcasts()
    {
        using var unet = new UNet2DConditionModel(Named("tiny").UNet);
        Randomize(unet, 3);
        unet.eval();
        using var x = randn(2, 48, 8, 8);
        using var ctx = randn(2, 4, 32);
        using var a = unet.forward(x, tensor(new long[] { 5, 5 }), ctx);
        using var b = unet.forward(x, tensor(5L), ctx);
        using var c = unet.forward(x, tensor(new long[] { 500, 500 }), ctx);
        using var d = unet.forward(x, tensor(new long[] { 5, 5 }), ctx.Times(2));
        Assert.True(a.allclose(b));
        Assert.False(a.allclose(c, 1e-3, 1e-3));
        Assert.False(a.allclose(d, 1e-3, 1e-3));
        // batch items are independent
        using var single = unet.forward(x.narrow(0, 1, 1), tensor(new long[] { 5 }), ctx.narrow(0, 1, 1));
        Assert.True(single.allclose(a.narrow(0, 1, 1), 1e-4, 1e-5));
    }

    [Fact]
    public void Wrong_input_channels_or_context_width_are_rejected_by_name()
    {
        using var unet = new UNet2DConditionModel(Named("tiny").UNet);
        var e1 = Assert.Throws<ArgumentException>(() => unet.forward(zeros(1, 12, 8, 8), tensor(1L), zeros(1, 4, 32)));
        Assert.Contains("sample", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => unet.forward(zeros(1, 48, 8, 8), tensor(1L), zeros(1, 4, 31)));
        Assert.Contains("encoder hidden states", e2.Message);
    }

    [Fact]
    public void Sinusoidal_embedding_follows_the_formula_with_cosines_first()
    {
        using var t = tensor(new long[] { 0, 3 });
        using var e = TimestepEmbedding.Sinusoidal(t, 4, flipSinToCos: true, freqShift: 0);
        // half = 2, frequencies exp(-ln(1e4) * i / 2) = 1, 0.01
        var expected = new float[] { 1, 1, 0, 0, (float)Math.Cos(3), (float)Math.Cos(0.03), (float)Math.Sin(3), (float)Math.Sin(0.03) };
        Assert.Equal(expected, e.data<float>().ToArray(), new FloatTolerance(1e-6f));
        using var noFlip = TimestepEmbedding.Sinusoidal(t, 4, flipSinToCos: false, freqShift: 1);
        // shift 1: frequencies exp(-ln(1e4) * i / 1) = 1, 1e-4; sines first
        Assert.Equal(new float[] { 0, 0, 1, 1, (float)Math.Sin(3), (float)Math.Sin(3e-4), (float)Math.Cos(3), (float)Math.Cos(3e-4) },
            noFlip.data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Attention_equals_softmax_of_scaled_dot_products()
    {
        using var attn = new Attention(8, 6, heads: 2, headDim: 4, qkvBias: false);
        using var x = randn(1, 5, 8);
        using var ctx = randn(1, 3, 6);
        using var y = attn.forward(x, ctx);
        var p = attn.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        using var q = functional.linear(x, p["to_q.weight"]).view(1, 5, 2, 4);
        using var k = functional.linear(ctx, p["to_k.weight"]).view(1, 3, 2, 4);
        using var v = functional.linear(ctx, p["to_v.weight"]).view(1, 3, 2, 4);
        var heads = new List<Tensor>();
        for (var h = 0; h < 2; h++)
        {
            var qh = q.select(2, h); var kh = k.select(2, h); var vh = v.select(2, h);
            var w = softmax(qh.matmul(kh.transpose(1, 2)).Over(Math.Sqrt(4)), -1);
            heads.Add(w.matmul(vh));
        }
        using var manual = functional.linear(cat(heads, 2), p["to_out.0.weight"], p["to_out.0.bias"]);
        Assert.True(y.allclose(manual, 1e-5, 1e-6));
    }

    /// <summary>
    /// Size guard for the CPU configs (wall-clock limits would be flaky on a shared 2-core machine; measured
    /// timings are in docs/models.md): bounded parameter counts and a 64x64-latent forward of the right shape.
    /// </summary>
    [Theory]
    [InlineData("tiny", 2_000_000)]
    [InlineData("small", 12_000_000)]
    public void Cpu_configs_stay_small_and_run_at_64x64_latents(string name, long maxParameters)
    {
        var config = Named(name);
        using var unet = new UNet2DConditionModel(config.UNet);
        Assert.True(unet.ParameterCount() < maxParameters, $"{name}: {unet.ParameterCount()} parameters");
        unet.eval();
        using var noGrad = no_grad();
        using var x = randn(1, config.UNet.InChannels, 64, 64);
        using var ctx = randn(1, config.ContextTokens, config.UNet.CrossAttentionDim);
        using var y = unet.forward(x, tensor(new long[] { 500 }), ctx);
        Assert.Equal(new long[] { 1, config.UNet.OutChannels, 64, 64 }, y.shape);
    }
}

sealed class FloatTolerance(float tol) : IEqualityComparer<float>
{
    public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;
    public int GetHashCode(float v) => 0;
}
