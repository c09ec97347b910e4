using BetterDepth.Diffusion;

namespace BetterDepth.Benchmarks;

/// <summary>
/// The FLOPs of one <see cref="UNet2DConditionModel"/> forward, counted layer by layer by following the
/// U-Net's data flow: conv_in at the latent size, down block i at level i (its downsampler halves the size),
/// the mid block at the lowest level, up block i at level n-1-i (its upsampler brings the next skip's size),
/// then the output convolution.
/// </summary>
public static class UNetFlopCounter
{
    public static FlopCount Count(UNet2DConditionModel unet, long latentHeight, long latentWidth, long contextTokens, long batch = 1)
    {
        if (latentHeight < 1 || latentWidth < 1) throw new ArgumentException($"latent size must be positive, got {latentHeight}x{latentWidth}");
        if (contextTokens < 1) throw new ArgumentException($"context tokens must be positive, got {contextTokens}", nameof(contextTokens));
        var counter = new ModuleFlopCounter(batch, contextTokens);
        var children = unet.named_children().ToDictionary(c => c.name, c => c.module);
        var known = new[] { "conv_in", "time_embedding", "down_blocks", "mid_block", "up_blocks", "conv_norm_out", "conv_out" };
        if (children.Keys.Except(known).FirstOrDefault() is { } unknown)
            throw new NotSupportedException($"U-Net submodule '{unknown}' is not known to the FLOP counter");

        var sizes = new List<(long H, long W)> { (latentHeight, latentWidth) };
        counter.Visit("conv_in", children["conv_in"], latentHeight, latentWidth);
        counter.Visit("time_embedding", children["time_embedding"], 1, 1, tokens: 1);

        foreach (var (index, block) in children["down_blocks"].named_children())
        {
            var (h, w) = sizes[^1];
            foreach (var (name, part) in block.named_children())
            {
                var path = $"down_blocks.{index}.{name}";
                if (name != "downsamplers") { counter.Visit(path, part, h, w); continue; }
                foreach (var (j, down) in part.named_children())
                {
                    // diffusers' Downsample2D with padding 0 pads one row and column at the bottom right first.
                    var (convName, conv) = down.named_children().Single();
                    long pad = conv is TorchSharp.Modules.Conv2d { padding: [0, ..] } ? 1 : 0;
                    sizes.Add(counter.Visit($"{path}.{j}.{convName}", conv, h + pad, w + pad));
                }
            }
        }

        var (lowH, lowW) = sizes[^1];
        counter.Visit("mid_block", children["mid_block"], lowH, lowW);

        int level = sizes.Count - 1;
        foreach (var (index, block) in children["up_blocks"].named_children())
        {
            var (h, w) = sizes[level];
            bool upsamples = false;
            foreach (var (name, part) in block.named_children())
            {
                var path = $"up_blocks.{index}.{name}";
                if (name != "upsamplers") { counter.Visit(path, part, h, w); continue; }
                if (!part.named_children().Any()) continue;
                if (level == 0) throw new NotSupportedException($"{path}: more upsamplers than downsamplers");
                // Nearest upsampling to the next skip's size, then the 3x3 convolution at that size.
                counter.Visit(path, part, sizes[level - 1].H, sizes[level - 1].W);
                upsamples = true;
            }
            if (upsamples) level--;
        }

        counter.Visit("conv_out", children["conv_out"], latentHeight, latentWidth);
        return counter.Result;
    }
}
