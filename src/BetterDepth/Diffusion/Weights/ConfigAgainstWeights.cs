namespace BetterDepth.Diffusion;

/// <summary>
/// Checks a model config against its weights file's tensor shapes, reading the safetensors headers only, before the
/// model is built. The config decides how much libtorch allocates; a config that does not describe its own weights
/// (65536 layers per block, a 1e9-wide context) must fail here, in milliseconds, and not after gigabytes.
/// <see cref="WeightLoader"/> still compares every tensor after the build; this is the cheap structural part of it:
/// block counts, layer counts and the widths that size everything else.
/// </summary>
internal static class ConfigAgainstWeights
{
    public static void CheckUNet(UNetConfig config, TensorSource weights, string configPath, bool widenConvIn)
    {
        var problems = new List<string>();
        var c0 = config.BlockOutChannels[0];
        ExpectShape(weights, "conv_in.weight", problems, s => s.Length == 4 && s[0] == c0 && s[2] == 3 && s[3] == 3
            && (s[1] == config.InChannels || (widenConvIn && s[1] > 0 && config.InChannels % s[1] == 0)), $"[{c0}, {config.InChannels}, 3, 3]");
        ExpectShape(weights, "conv_out.weight", problems, s => s is [var o, var i, 3, 3] && o == config.OutChannels && i == c0, $"[{config.OutChannels}, {c0}, 3, 3]");
        ExpectCount(weights, "down_blocks.", config.BlockCount, "block_out_channels entries (down blocks)", problems);
        ExpectCount(weights, "up_blocks.", config.BlockCount, "block_out_channels entries (up blocks)", problems);
        for (int i = 0; i < config.BlockCount && problems.Count == 0; i++)
        {
            ExpectCount(weights, $"down_blocks.{i}.resnets.", config.LayersPerBlock, "layers_per_block", problems);
            ExpectCount(weights, $"up_blocks.{i}.resnets.", config.LayersPerBlock + 1, "layers_per_block + 1", problems);
            var channels = config.BlockOutChannels[i];
            ExpectShape(weights, $"down_blocks.{i}.resnets.0.conv2.weight", problems, s => s.Length == 4 && s[0] == channels, $"[{channels}, ...]");
            if (!UNetConfig.HasCrossAttention(config.DownBlockTypes[i])) continue;
            var transformer = $"down_blocks.{i}.attentions.0.transformer_blocks.";
            ExpectCount(weights, transformer, config.TransformerLayersOfBlock(i), $"transformer_layers_per_block of block {i}", problems);
            ExpectShape(weights, transformer + "0.attn2.to_k.weight", problems, s => s is [var o, var k] && o == channels && k == config.CrossAttentionDim,
                $"[{channels}, {config.CrossAttentionDim}] (cross_attention_dim)");
        }
        Report(configPath, weights, problems);
    }

    public static void CheckAutoencoderKL(AutoencoderKLConfig config, TensorSource weights, string configPath)
    {
        var problems = new List<string>();
        int latent = config.LatentChannels, c0 = config.BlockOutChannels[0], blocks = config.BlockOutChannels.Length;
        ExpectShape(weights, "encoder.conv_in.weight", problems, s => s is [var o, 3, 3, 3] && o == c0, $"[{c0}, 3, 3, 3]");
        ExpectShape(weights, "post_quant_conv.weight", problems, s => s.Length == 4 && s[0] == latent && s[1] == latent, $"[{latent}, {latent}, 1, 1] (latent_channels)");
        ExpectShape(weights, "quant_conv.weight", problems, s => s.Length == 4 && s[0] == 2 * latent && s[1] == 2 * latent, $"[{2 * latent}, {2 * latent}, 1, 1] (latent_channels)");
        ExpectCount(weights, "encoder.down_blocks.", blocks, "block_out_channels entries (encoder blocks)", problems);
        ExpectCount(weights, "decoder.up_blocks.", blocks, "block_out_channels entries (decoder blocks)", problems);
        for (int i = 0; i < blocks && problems.Count == 0; i++)
        {
            ExpectCount(weights, $"encoder.down_blocks.{i}.resnets.", config.LayersPerBlock, "layers_per_block", problems);
            ExpectCount(weights, $"decoder.up_blocks.{i}.resnets.", config.LayersPerBlock + 1, "layers_per_block + 1", problems);
        }
        Report(configPath, weights, problems);
    }

    static void ExpectShape(TensorSource weights, string name, List<string> problems, Func<long[], bool> fits, string expected)
    {
        if (!weights.Contains(name)) problems.Add($"'{name}' is missing (config expects {expected})");
        else if (!fits(weights.ShapeOf(name))) problems.Add($"'{name}' is [{string.Join(", ", weights.ShapeOf(name))}], config expects {expected}");
    }

    /// <summary>How many numbered children (<c>PREFIX0.</c>, <c>PREFIX1.</c>, ...) the file has, against the config's count.</summary>
    static void ExpectCount(TensorSource weights, string prefix, int expected, string field, List<string> problems)
    {
        var found = new HashSet<int>();
        foreach (var name in weights.Names)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = name.AsSpan(prefix.Length);
            var dot = rest.IndexOf('.');
            if (dot > 0 && int.TryParse(rest[..dot], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)) found.Add(index);
        }
        if (found.Count != expected) problems.Add($"the weights have {found.Count} '{prefix}N' entries, the config's {field} says {expected}");
    }

    static void Report(string configPath, TensorSource weights, List<string> problems)
    {
        if (problems.Count > 0)
            throw new InvalidFileException(configPath, $"does not describe its weights {weights.Path}: {string.Join("; ", problems.Take(5))}");
    }
}
