using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>How a model gets its cross-attention context (see <see cref="CrossAttentionContext"/>).</summary>
public enum ContextSource
{
    /// <summary>A frozen embedding read from a file (SD 2: CLIP of the empty prompt).</summary>
    File,
    /// <summary>A few learned tokens, trained with the U-Net (CPU configs).</summary>
    Learned,
}

/// <summary>
/// A named model setting (configs/models/NAME.json): the U-Net config in diffusers' field names, the
/// autoencoder (diffusers' vae config with its <c>_class_name</c>: AutoencoderKL, PixelUnshuffleAutoencoder or
/// TinyAutoencoder) and the cross-attention context. Validated so the U-Net's input is concat(image, condition, noisy
/// depth) latents and its output one latent.
/// </summary>
public sealed record DiffusionModelConfig(string Name, string Description, UNetConfig UNet, string AutoencoderJson, ContextSource Context, int ContextTokens)
{
    /// <summary>The folder of the setting's file (set by <see cref="Load"/>): a TinyAutoencoder's "weights" path is relative to it.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>The autoencoder class named in <see cref="AutoencoderJson"/>.</summary>
    public string AutoencoderClass => ClassNameOf(AutoencoderJson);
    public int LatentChannels => CreateAutoencoderLayout().LatentChannels;

    public static DiffusionModelConfig Load(string path) =>
        ConfigJson.Load(path, Parse) with { BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) };

    public static DiffusionModelConfig Parse(string json, string source)
    {
        try { return ParseUnchecked(json, source); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        { throw new ArgumentException($"{source}: {OneLine.Escape(e.Message)}", e); }
    }

    static DiffusionModelConfig ParseUnchecked(string json, string source)
    {
        var root = JsonNode.Parse(json, documentOptions: ConfigJson.NoDuplicates) as JsonObject ?? throw new ArgumentException($"{source}: not a JSON object");
        string Field(string name) => root[name]?.ToJsonString() ?? throw new ArgumentException($"{source}: missing '{name}'");
        var unet = UNetConfig.Parse(Field("unet"), $"{source} unet");
        var ae = Field("autoencoder");
        var context = root["context"] as JsonObject ?? throw new ArgumentException($"{source}: missing 'context' object");
        var kind = context["source"]?.GetValue<string>() switch
        {
            "file" => ContextSource.File,
            "learned" => ContextSource.Learned,
            var other => throw new ArgumentException($"{source}: context.source must be 'file' or 'learned', got '{other}'"),
        };
        var tokens = context["tokens"]?.GetValue<int>() ?? throw new ArgumentException($"{source}: missing context.tokens");
        if (tokens <= 0) throw new ArgumentException($"{source}: context.tokens must be positive, got {tokens}");
        var config = new DiffusionModelConfig(root["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(source),
            root["description"]?.GetValue<string>() ?? "", unet, ae, kind, tokens);
        var latent = AutoencoderLayout(ae, $"{source} autoencoder").LatentChannels;
        if (unet.InChannels != 3 * latent || unet.OutChannels != latent)
            throw new ArgumentException($"{source}: the U-Net must take 3 x {latent} latent channels (image, condition, noisy depth) and return {latent}; got in_channels {unet.InChannels}, out_channels {unet.OutChannels}");
        return config;
    }

    /// <summary>
    /// Builds the autoencoder with fresh (AutoencoderKL: untrained) weights; a TinyAutoencoder loads its pretrained weights
    /// from the config's "weights" folder (relative to the setting's file) or, without one, the repository's models/taef2.
    /// </summary>
    public ILatentAutoencoder CreateAutoencoder(Device? device = null) =>
        CreateAutoencoder(AutoencoderJson, Name, device, AutoencoderClass == TinyAutoencoder.ClassName ? TinyWeightsFolder() : null);

    /// <summary>Where this setting's TinyAutoencoder weights are: its "weights" folder, or the shipped default.</summary>
    public string TinyWeightsFolder()
    {
        var weights = TinyAutoencoderConfig.Parse(AutoencoderJson, $"{Name} autoencoder").Weights;
        if (weights is null) return TinyAutoencoder.FindDefaultWeights();
        return Path.GetFullPath(Path.IsPathRooted(weights) ? weights : Path.Combine(BaseDirectory ?? Directory.GetCurrentDirectory(), weights));
    }

    (int LatentChannels, int DownscaleFactor) CreateAutoencoderLayout() => AutoencoderLayout(AutoencoderJson, Name);

    /// <summary>Reads a vae/config.json for its layout; every problem is an InvalidFileException naming it.</summary>
    public static (int LatentChannels, int DownscaleFactor) AutoencoderLayoutOf(string path) => ConfigJson.Load(path, AutoencoderLayout);

    /// <summary>Latent channels and downscale factor a vae config describes, without building the autoencoder.</summary>
    public static (int LatentChannels, int DownscaleFactor) AutoencoderLayout(string json, string source)
    {
        switch (CheckedClassName(json, source))
        {
            case PixelUnshuffleAutoencoder.ClassName:
                var p = PixelConfig(json, source);
                return (p.LatentChannels, p.DownscaleFactor);
            case TinyAutoencoder.ClassName:
                var t = TinyAutoencoderConfig.Parse(json, source);
                return (t.LatentChannels, t.DownscaleFactor);
            default:
                var k = AutoencoderKLConfig.Parse(json, source);
                return (k.LatentChannels, k.DownscaleFactor);
        }
    }

    /// <summary>
    /// Creates the autoencoder a vae config describes. AutoencoderKL weights are loaded separately; a TinyAutoencoder is
    /// frozen and pretrained, so it loads its weights here from <paramref name="tinyWeightsFolder"/> (a refiner's vae/
    /// folder, or a model setting's weights folder), which it requires.
    /// </summary>
    public static ILatentAutoencoder CreateAutoencoder(string json, string source, Device? device, string? tinyWeightsFolder = null)
    {
        switch (CheckedClassName(json, source))
        {
            case PixelUnshuffleAutoencoder.ClassName:
                var p = PixelConfig(json, source);
                return new PixelUnshuffleAutoencoder(p.DownscaleFactor, p.LatentChannels, device);
            case TinyAutoencoder.ClassName:
                var t = TinyAutoencoderConfig.Parse(json, source);
                return TinyAutoencoder.Load(t, tinyWeightsFolder ?? throw new ArgumentException($"{source}: a {TinyAutoencoder.ClassName} needs the folder of its weights"), device);
            default:
                return new AutoencoderKL(AutoencoderKLConfig.Parse(json, source), device);
        }
    }

    /// <summary>Whether a vae config describes an AutoencoderKL (which has weights) rather than the weightless pixel-unshuffle one.</summary>
    public static bool IsAutoencoderKL(string json, string source) => CheckedClassName(json, source) == "AutoencoderKL";

    static string CheckedClassName(string json, string source) => ClassNameOf(json, source) switch
    {
        PixelUnshuffleAutoencoder.ClassName or TinyAutoencoder.ClassName or "AutoencoderKL" => ClassNameOf(json, source),
        var other => throw new ArgumentException($"{source}: unsupported autoencoder class '{other}' (AutoencoderKL, {PixelUnshuffleAutoencoder.ClassName} or {TinyAutoencoder.ClassName})"),
    };

    static PixelUnshuffleAutoencoderConfig PixelConfig(string json, string source)
    {
        var c = ConfigJson.Deserialize<PixelUnshuffleAutoencoderConfig>(json, source, "autoencoder config");
        if (c.LatentChannels > AutoencoderKLConfig.MaxLatentChannels)
            throw new ArgumentException($"{source}: latent_channels {c.LatentChannels} exceeds {AutoencoderKLConfig.MaxLatentChannels}");
        if (c.DownscaleFactor < 1 || c.DownscaleFactor > 64 || c.LatentChannels < 1 || c.LatentChannels > c.DownscaleFactor * c.DownscaleFactor)
            throw new ArgumentException($"{source}: downscale_factor {c.DownscaleFactor} / latent_channels {c.LatentChannels} invalid (need factor <= 64 and 1 <= latent_channels <= factor^2)");
        return c;
    }

    static string ClassNameOf(string json, string source = "autoencoder config")
    {
        try { return (JsonNode.Parse(json, documentOptions: ConfigJson.NoDuplicates) as JsonObject)?["_class_name"]?.GetValue<string>() ?? "AutoencoderKL"; }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new ArgumentException($"{source}: not a valid autoencoder config: {OneLine.Escape(e.Message)}", e); }
    }
}
