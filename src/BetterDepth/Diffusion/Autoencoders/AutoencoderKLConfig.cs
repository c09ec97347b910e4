using System.Text.Json;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace BetterDepth.Diffusion;

/// <summary>The fields of diffusers' <c>vae/config.json</c> (AutoencoderKL) this implementation supports; defaults are SD's VAE.</summary>
public sealed record AutoencoderKLConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 3;
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 4;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [128, 256, 512, 512];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"];
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = 0.18215;
    [JsonPropertyName("mid_block_add_attention")] public bool MidBlockAddAttention { get; init; } = true;
    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; init; } = true;
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; init; } = true;
    [JsonPropertyName("sample_size")] public int? SampleSize { get; init; }

    /// <summary>Each block but the last halves the resolution.</summary>
    [JsonIgnore] public int DownscaleFactor => 1 << (BlockOutChannels.Length - 1);

    /// <summary>
    /// Sane bounds (SD's VAE: 4 latent channels, 512 channels, 2 resnets per block; SD 3 / Flux: 16 latent channels),
    /// checked before any tensor is allocated: a small config file must not be able to build a model that takes the machine.
    /// </summary>
    public const int MaxLatentChannels = 64, MaxBlocks = 8, MaxChannels = 4096, MaxLayersPerBlock = 16;

    public AutoencoderKLConfig Validate(string source = "VAE config")
    {
        void Check([DoesNotReturnIf(false)] bool ok, string problem) { if (!ok) throw new ArgumentException($"{source}: {problem}"); }
        Check(BlockOutChannels is not null, "block_out_channels must be a list of numbers, got null");
        Check(DownBlockTypes is not null && UpBlockTypes is not null, "down_block_types and up_block_types must be lists of block names, got null");
        Check(ActFn is not null, "act_fn must be a string, got null");
        Check(LatentChannels <= MaxLatentChannels, $"latent_channels {LatentChannels} exceeds {MaxLatentChannels}");
        Check(BlockOutChannels.Length <= MaxBlocks && BlockOutChannels.All(c => c <= MaxChannels),
            $"block_out_channels [{string.Join(", ", BlockOutChannels)}] exceed {MaxBlocks} blocks of {MaxChannels} channels");
        Check(LayersPerBlock <= MaxLayersPerBlock, $"layers_per_block {LayersPerBlock} exceeds {MaxLayersPerBlock}");
        Check(InChannels == 3 && OutChannels == 3, $"in_channels/out_channels must be 3 (RGB), got {InChannels}/{OutChannels}");
        Check(LatentChannels > 0, $"latent_channels must be positive, got {LatentChannels}");
        Check(BlockOutChannels.Length > 0 && BlockOutChannels.All(c => c > 0), "block_out_channels must be a non-empty list of positive numbers");
        Check(LayersPerBlock > 0, $"layers_per_block must be positive, got {LayersPerBlock}");
        Check(DownBlockTypes.Length == BlockOutChannels.Length && DownBlockTypes.All(t => t == "DownEncoderBlock2D"), "down_block_types must be DownEncoderBlock2D, one per block");
        Check(UpBlockTypes.Length == BlockOutChannels.Length && UpBlockTypes.All(t => t == "UpDecoderBlock2D"), "up_block_types must be UpDecoderBlock2D, one per block");
        Check(NormNumGroups > 0 && BlockOutChannels.All(c => c % NormNumGroups == 0), $"norm_num_groups {NormNumGroups} must divide every block_out_channels entry");
        Check(ActFn == "silu", $"act_fn '{ActFn}' is not supported (silu)");
        Check(double.IsFinite(ScalingFactor) && ScalingFactor > 0, $"scaling_factor must be positive, got {ScalingFactor}");
        Check(MidBlockAddAttention && UseQuantConv && UsePostQuantConv, "only the SD layout (mid-block attention, quant_conv, post_quant_conv) is supported");
        return this;
    }

    public static AutoencoderKLConfig Parse(string json, string source) => ConfigJson.Deserialize<AutoencoderKLConfig>(json, source, "VAE config").Validate(source);

    /// <summary>Reads a diffusers config.json; bad JSON or unsupported values -> InvalidFileException.</summary>
    public static AutoencoderKLConfig Load(string path) => ConfigJson.Load(path, Parse);

    /// <summary>
    /// The config as diffusers reads it. Null fields are left out: diffusers' AutoencoderKL computes its tile size from
    /// sample_size and fails on None, while a missing one takes its default.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConfigJson.Indented);
}
