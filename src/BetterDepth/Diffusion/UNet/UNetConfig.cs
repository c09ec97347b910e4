using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BetterDepth.Diffusion;

/// <summary>
/// The fields of diffusers' <c>unet/config.json</c> (UNet2DConditionModel) that this U-Net supports.
/// Defaults are diffusers' defaults, so a real config file loads as is; unknown fields are ignored,
/// values this implementation cannot honour are rejected by <see cref="Validate"/>.
/// </summary>
public sealed record UNetConfig
{
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 4;
    [JsonPropertyName("out_channels")] public int OutChannels { get; init; } = 4;
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; init; } = [320, 640, 1280, 1280];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; init; } = 2;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; init; } = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; init; } = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"];
    [JsonPropertyName("mid_block_type")] public string? MidBlockType { get; init; } = "UNetMidBlock2DCrossAttn";
    /// <summary>Historically misnamed in diffusers: when <see cref="NumAttentionHeads"/> is absent this is the number of heads (SD 2: 5, 10, 20, 20 = 64 channels per head).</summary>
    [JsonPropertyName("attention_head_dim"), JsonConverter(typeof(IntOrArrayConverter))] public int[] AttentionHeadDim { get; init; } = [8];
    [JsonPropertyName("num_attention_heads"), JsonConverter(typeof(IntOrArrayConverter))] public int[]? NumAttentionHeads { get; init; }
    [JsonPropertyName("cross_attention_dim")] public int CrossAttentionDim { get; init; } = 1280;
    [JsonPropertyName("use_linear_projection")] public bool UseLinearProjection { get; init; }
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; init; } = 32;
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;
    [JsonPropertyName("flip_sin_to_cos")] public bool FlipSinToCos { get; init; } = true;
    [JsonPropertyName("freq_shift")] public double FreqShift { get; init; }
    [JsonPropertyName("transformer_layers_per_block"), JsonConverter(typeof(IntOrArrayConverter))] public int[] TransformerLayersPerBlock { get; init; } = [1];
    [JsonPropertyName("downsample_padding")] public int DownsamplePadding { get; init; } = 1;
    [JsonPropertyName("mid_block_scale_factor")] public double MidBlockScaleFactor { get; init; } = 1.0;
    [JsonPropertyName("dropout")] public double Dropout { get; init; }
    [JsonPropertyName("act_fn")] public string ActFn { get; init; } = "silu";
    [JsonPropertyName("center_input_sample")] public bool CenterInputSample { get; init; }
    [JsonPropertyName("only_cross_attention")] public bool OnlyCrossAttention { get; init; }
    [JsonPropertyName("dual_cross_attention")] public bool DualCrossAttention { get; init; }
    [JsonPropertyName("class_embed_type")] public string? ClassEmbedType { get; init; }
    [JsonPropertyName("addition_embed_type")] public string? AdditionEmbedType { get; init; }
    [JsonPropertyName("resnet_time_scale_shift")] public string ResnetTimeScaleShift { get; init; } = "default";
    [JsonPropertyName("time_embedding_type")] public string TimeEmbeddingType { get; init; } = "positional";
    [JsonPropertyName("upcast_attention")] public bool UpcastAttention { get; init; }
    [JsonPropertyName("sample_size")] public int? SampleSize { get; init; }

    [JsonIgnore] public int BlockCount => BlockOutChannels.Length;
    [JsonIgnore] public int TimeEmbeddingChannels => BlockOutChannels[0] * 4;

    /// <summary>Attention heads of down block <paramref name="i"/> (diffusers: num_attention_heads, else attention_head_dim).</summary>
    public int HeadsOfBlock(int i) => PerBlock(NumAttentionHeads ?? AttentionHeadDim, i, "num_attention_heads/attention_head_dim");
    public int TransformerLayersOfBlock(int i) => PerBlock(TransformerLayersPerBlock, i, "transformer_layers_per_block");
    public static bool HasCrossAttention(string blockType) => blockType.StartsWith("CrossAttn", StringComparison.Ordinal);

    int PerBlock(int[] values, int i, string field) =>
        values.Length == 1 ? values[0]
        : values.Length == BlockCount ? values[i]
        : throw new ArgumentException($"U-Net config: {field} has {values.Length} entries for {BlockCount} blocks");

    /// <summary>
    /// Sane bounds, far above any published U-Net (SD 2: 1280 channels, 1024-wide context, 2 resnets per block; SDXL:
    /// 2048-wide context, 10 transformer layers) and far below what makes libtorch allocate terabytes or the module tree
    /// millions of layers: a config is checked against them before a single tensor exists.
    /// </summary>
    public const int MaxBlocks = 8, MaxChannels = 8192, MaxCrossAttentionDim = 8192, MaxLayersPerBlock = 16, MaxTransformerLayers = 64, MaxInOutChannels = 1024;

    /// <summary>
    /// Fields a unet/config.json must state itself: without them the defaults above build Stable Diffusion 2, which is
    /// never what a file that forgot them (or an empty <c>{}</c>) was written for.
    /// </summary>
    public static readonly string[] RequiredFields = ["in_channels", "out_channels", "block_out_channels", "layers_per_block", "down_block_types", "up_block_types", "cross_attention_dim"];

    /// <summary>Throws ArgumentException naming the field for anything this implementation cannot build.</summary>
    public UNetConfig Validate(string source = "U-Net config")
    {
        void Check([DoesNotReturnIf(false)] bool ok, string problem) { if (!ok) throw new ArgumentException($"{source}: {problem}"); }
        // JSON null deserialises to a null array; each is named rather than left to fail deeper down.
        Check(BlockOutChannels is not null, "block_out_channels must be a list of numbers, got null");
        Check(DownBlockTypes is not null && DownBlockTypes.All(t => t is not null), "down_block_types must be a list of block names, got null");
        Check(UpBlockTypes is not null && UpBlockTypes.All(t => t is not null), "up_block_types must be a list of block names, got null");
        Check(AttentionHeadDim is not null, "attention_head_dim must be a number or a list of numbers, got null");
        Check(TransformerLayersPerBlock is not null, "transformer_layers_per_block must be a number or a list of numbers, got null");
        Check(ActFn is not null && ResnetTimeScaleShift is not null && TimeEmbeddingType is not null, "act_fn, resnet_time_scale_shift and time_embedding_type must be strings, got null");
        Check(InChannels <= MaxInOutChannels && OutChannels <= MaxInOutChannels, $"in_channels/out_channels ({InChannels}, {OutChannels}) exceed {MaxInOutChannels}");
        Check(BlockCount <= MaxBlocks, $"{BlockCount} entries in block_out_channels exceed {MaxBlocks}");
        Check(BlockOutChannels.All(c => c <= MaxChannels), $"block_out_channels [{string.Join(", ", BlockOutChannels)}] exceed {MaxChannels} channels");
        Check(LayersPerBlock <= MaxLayersPerBlock, $"layers_per_block {LayersPerBlock} exceeds {MaxLayersPerBlock}");
        Check(CrossAttentionDim <= MaxCrossAttentionDim, $"cross_attention_dim {CrossAttentionDim} exceeds {MaxCrossAttentionDim}");
        Check(TransformerLayersPerBlock.All(n => n <= MaxTransformerLayers), $"transformer_layers_per_block [{string.Join(", ", TransformerLayersPerBlock)}] exceeds {MaxTransformerLayers}");
        Check(InChannels > 0 && OutChannels > 0, $"in_channels/out_channels must be positive ({InChannels}, {OutChannels})");
        Check(BlockCount > 0 && BlockOutChannels.All(c => c > 0), "block_out_channels must be a non-empty list of positive numbers");
        Check(LayersPerBlock > 0, $"layers_per_block must be positive, got {LayersPerBlock}");
        Check(DownBlockTypes.Length == BlockCount && UpBlockTypes.Length == BlockCount,
            $"down_block_types ({DownBlockTypes.Length}) and up_block_types ({UpBlockTypes.Length}) need one entry per block_out_channels ({BlockCount})");
        Check(DownBlockTypes.All(t => t is "CrossAttnDownBlock2D" or "DownBlock2D"), $"down_block_types must be CrossAttnDownBlock2D or DownBlock2D, got [{string.Join(", ", DownBlockTypes)}]");
        Check(UpBlockTypes.All(t => t is "CrossAttnUpBlock2D" or "UpBlock2D"), $"up_block_types must be CrossAttnUpBlock2D or UpBlock2D, got [{string.Join(", ", UpBlockTypes)}]");
        Check(MidBlockType is "UNetMidBlock2DCrossAttn", $"mid_block_type '{MidBlockType}' is not supported (UNetMidBlock2DCrossAttn)");
        Check(NormNumGroups > 0 && BlockOutChannels.All(c => c % NormNumGroups == 0), $"norm_num_groups {NormNumGroups} must divide every block_out_channels entry");
        Check(double.IsFinite(NormEps) && NormEps > 0, $"norm_eps must be a positive number, got {NormEps}");
        Check(CrossAttentionDim > 0, $"cross_attention_dim must be positive, got {CrossAttentionDim}");
        Check(DownsamplePadding is 0 or 1, $"downsample_padding must be 0 or 1, got {DownsamplePadding}");
        Check(Dropout is >= 0 and < 1, $"dropout must be in [0, 1), got {Dropout}");
        Check(double.IsFinite(MidBlockScaleFactor) && MidBlockScaleFactor > 0, $"mid_block_scale_factor must be positive, got {MidBlockScaleFactor}");
        Check(ActFn == "silu", $"act_fn '{ActFn}' is not supported (silu)");
        Check(!CenterInputSample && !OnlyCrossAttention && !DualCrossAttention, "center_input_sample, only_cross_attention and dual_cross_attention are not supported");
        Check(ClassEmbedType is null && AdditionEmbedType is null, "class/addition embeddings are not supported");
        Check(ResnetTimeScaleShift == "default" && TimeEmbeddingType == "positional", "only resnet_time_scale_shift 'default' and time_embedding_type 'positional' are supported");
        for (var i = 0; i < BlockCount; i++)
        {
            var heads = HeadsOfBlock(i);
            Check(heads > 0 && BlockOutChannels[i] % heads == 0, $"block {i}: {BlockOutChannels[i]} channels do not split into {heads} attention heads");
            Check(TransformerLayersOfBlock(i) > 0, $"block {i}: transformer_layers_per_block must be positive");
        }
        return this;
    }

    public static UNetConfig Parse(string json, string source)
    {
        ConfigJson.RequireFields(json, source, "U-Net config", RequiredFields);
        return ConfigJson.Deserialize<UNetConfig>(json, source, "U-Net config").Validate(source);
    }

    /// <summary>Reads a diffusers config.json; bad JSON or unsupported values -> InvalidFileException.</summary>
    public static UNetConfig Load(string path) => ConfigJson.Load(path, Parse);

    /// <summary>
    /// The config as diffusers writes and reads it. diffusers refuses <c>num_attention_heads</c> (a ValueError since its
    /// naming mix-up), so the heads are written as <c>attention_head_dim</c>, which it reads as heads for these blocks.
    /// </summary>
    public string ToJson() => JsonSerializer.Serialize(this with { AttentionHeadDim = NumAttentionHeads ?? AttentionHeadDim, NumAttentionHeads = null }, ConfigJson.Indented);
}

/// <summary>
/// Per-block settings, which diffusers takes as one number for every block or as a list of one entry per block. A
/// number is read as a one-entry array and written back as a number: diffusers broadcasts only a bare number, and a
/// one-entry list for several blocks fails there (IndexError for transformer_layers_per_block, ValueError for
/// attention_head_dim).
/// </summary>
internal sealed class IntOrArrayConverter : JsonConverter<int[]>
{
    public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number ? [reader.GetInt32()] : JsonSerializer.Deserialize<int[]>(ref reader, options)
            ?? throw new JsonException("expected a number or a list of numbers");

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options)
    {
        if (value.Length == 1) writer.WriteNumberValue(value[0]);
        else JsonSerializer.Serialize(writer, value, options);
    }
}
