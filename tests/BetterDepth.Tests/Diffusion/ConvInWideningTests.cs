using BetterDepth.Compute;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Diffusion;

public class ConvInWideningTests
{
    [Fact]
    public void Widened_kernel_responds_to_three_copies_like_the_original_to_one()
    {
        using var w = randn(6, 4, 3, 3);
        using var wide = ConvInWidening.Widen(w, 12);
        Assert.Equal(new long[] { 6, 12, 3, 3 }, wide.shape);
        Assert.True(wide.narrow(1, 8, 4).allclose(w.Over(3.0)));
        using var z = randn(1, 4, 5, 5);
        using var original = nn.functional.conv2d(z, w, padding: [1, 1]);
        using var widened = nn.functional.conv2d(cat([z, z, z], 1), wide, padding: [1, 1]);
        Assert.True(original.allclose(widened, 1e-5, 1e-5));
        Assert.Throws<ArgumentException>(() => ConvInWidening.Widen(w, 10));
    }
}

public class NormInitTests
{
    [Fact]
    public void Group_norms_start_as_identity_affine()
    {
        using var block = new ResnetBlock2D(8, 8, null, 4, 1e-6);
        foreach (var (name, p) in block.named_parameters().Where(kv => kv.name.StartsWith("norm")))
            Assert.True(p.allclose(name.EndsWith("weight") ? ones_like(p) : zeros_like(p)), $"{name} not initialised");
    }
}
