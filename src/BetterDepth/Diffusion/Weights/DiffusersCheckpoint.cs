using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>Choices when loading a checkpoint folder.</summary>
public sealed record CheckpointLoadOptions
{
    /// <summary>Build the U-Net with this many input channels; a narrower checkpoint conv_in (SD's 4) is widened (12 = image, condition, noisy depth).</summary>
    public int? UNetInChannels { get; init; }
    /// <summary>Cross-attention context file to use instead of the folder's <c>context.safetensors</c> (e.g. an SD 2 empty-prompt embedding).</summary>
    public string? ContextPath { get; init; }
}

/// <summary>
/// A model in diffusers' folder layout: <c>unet/</c> and <c>vae/</c> each with <c>config.json</c> and
/// <c>diffusion_pytorch_model.safetensors</c> (or a sharded <c>.safetensors.index.json</c>), <c>scheduler/scheduler_config.json</c>,
/// plus BetterDepth's <c>context.safetensors</c> (the cross-attention context; SD 2 and Marigold folders lack it,
/// pass <see cref="CheckpointLoadOptions.ContextPath"/>). A <see cref="PixelUnshuffleAutoencoder"/> has a config but no weights;
/// a <see cref="TinyAutoencoder"/>'s <c>vae/</c> holds its config, its two weight files and their licence.
/// </summary>
public sealed class DiffusersCheckpoint : IDisposable
{
    public const string WeightsName = "diffusion_pytorch_model.safetensors";

    public string Folder { get; }
    public UNet2DConditionModel UNet { get; }
    public ILatentAutoencoder Autoencoder { get; }
    /// <summary>Null when the folder has no context and none was given.</summary>
    public CrossAttentionContext? Context { get; }
    /// <summary>The scheduler's config file, for the scheduler module to read; null if absent.</summary>
    public string? SchedulerConfigPath { get; }

    DiffusersCheckpoint(string folder, UNet2DConditionModel unet, ILatentAutoencoder autoencoder, CrossAttentionContext? context, string? scheduler)
    {
        Folder = folder;
        UNet = unet;
        Autoencoder = autoencoder;
        Context = context;
        SchedulerConfigPath = scheduler;
    }

    public static DiffusersCheckpoint Load(string folder, Device? device = null, CheckpointLoadOptions? options = null)
    {
        options ??= new CheckpointLoadOptions();
        if (!Directory.Exists(folder)) throw new InvalidFileException(folder, "checkpoint folder not found");

        var unetConfigPath = Required(Path.Combine(folder, "unet", "config.json"));
        var unetConfig = UNetConfig.Load(unetConfigPath);
        var widen = options.UNetInChannels is int wanted && wanted != unetConfig.InChannels;
        if (widen) unetConfig = unetConfig with { InChannels = options.UNetInChannels!.Value };

        UNet2DConditionModel? unet = null;
        ILatentAutoencoder? autoencoder = null;
        CrossAttentionContext? context = null;
        try
        {
            // Every config is checked against its weights' headers before its model is built (see ConfigAgainstWeights).
            using (var unetWeights = TensorSource.Open(WeightsPath(Path.Combine(folder, "unet"))))
            {
                ConfigAgainstWeights.CheckUNet(unetConfig, unetWeights, unetConfigPath, widen);
                unet = new UNet2DConditionModel(unetConfig, device);
                WeightLoader.Load(unet, unetWeights, new WeightLoadOptions { WidenConvIn = widen });
            }

            var vaeConfigPath = Required(Path.Combine(folder, "vae", "config.json"));
            if (ConfigJson.Load(vaeConfigPath, DiffusionModelConfig.IsAutoencoderKL))
            {
                var vaeConfig = ConfigJson.Load(vaeConfigPath, AutoencoderKLConfig.Parse);
                using var vaeWeights = TensorSource.Open(WeightsPath(Path.Combine(folder, "vae")));
                ConfigAgainstWeights.CheckAutoencoderKL(vaeConfig, vaeWeights, vaeConfigPath);
                var vae = new AutoencoderKL(vaeConfig, device);
                autoencoder = vae;
                WeightLoader.Load(vae, vaeWeights, new WeightLoadOptions { RenameKey = LegacyVaeAttentionKey });
                vae.eval();
            }
            else autoencoder = ConfigJson.Load(vaeConfigPath, (json, source) => DiffusionModelConfig.CreateAutoencoder(json, source, device, tinyWeightsFolder: Path.Combine(folder, "vae")));

            var contextPath = options.ContextPath ?? Path.Combine(folder, CrossAttentionContext.FileName);
            if (options.ContextPath is not null || File.Exists(contextPath))
            {
                context = CrossAttentionContext.Load(Required(contextPath), device: device);
                if (context.Width != unetConfig.CrossAttentionDim)
                    throw new InvalidFileException(contextPath, $"context width {context.Width} differs from the U-Net's cross_attention_dim {unetConfig.CrossAttentionDim}");
            }

            var scheduler = Path.Combine(folder, "scheduler", "scheduler_config.json");
            return new DiffusersCheckpoint(folder, unet, autoencoder, context, File.Exists(scheduler) ? scheduler : null);
        }
        catch
        {
            unet?.Dispose();
            autoencoder?.Dispose();
            context?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the folder layout. A learned context is saved as <c>context.safetensors</c>; the scheduler
    /// config (owned by the scheduler module) is written verbatim when given.
    /// </summary>
    public static void Save(string folder, UNet2DConditionModel unet, ILatentAutoencoder autoencoder, CrossAttentionContext? context = null,
        string? schedulerConfigJson = null)
    {
        var unetDir = Directory.CreateDirectory(Path.Combine(folder, "unet")).FullName;
        var vaeDir = Directory.CreateDirectory(Path.Combine(folder, "vae")).FullName;
        var unetJson = JsonNode.Parse(unet.Config.ToJson())!.AsObject();
        unetJson.Insert(0, "_class_name", "UNet2DConditionModel");
        File.WriteAllText(Path.Combine(unetDir, "config.json"), unetJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        WeightLoader.Save(unet, Path.Combine(unetDir, WeightsName));

        switch (autoencoder)
        {
            case AutoencoderKL vae:
                var vaeJson = JsonNode.Parse(vae.Config.ToJson())!.AsObject();
                vaeJson.Insert(0, "_class_name", "AutoencoderKL");
                File.WriteAllText(Path.Combine(vaeDir, "config.json"), vaeJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                WeightLoader.Save(vae, Path.Combine(vaeDir, WeightsName));
                break;
            case TinyAutoencoder tiny:
                tiny.Save(vaeDir);
                break;
            case PixelUnshuffleAutoencoder cheap:
                var cfg = new PixelUnshuffleAutoencoderConfig { DownscaleFactor = cheap.DownscaleFactor, LatentChannels = cheap.LatentChannels };
                File.WriteAllText(Path.Combine(vaeDir, "config.json"), JsonSerializer.Serialize(cfg, new JsonSerializerOptions { WriteIndented = true }));
                break;
            default:
                throw new ArgumentException($"cannot save autoencoder of type {autoencoder.GetType().Name}", nameof(autoencoder));
        }

        context?.Save(Path.Combine(folder, CrossAttentionContext.FileName));
        if (schedulerConfigJson is not null)
        {
            var schedulerDir = Directory.CreateDirectory(Path.Combine(folder, "scheduler")).FullName;
            File.WriteAllText(Path.Combine(schedulerDir, "scheduler_config.json"), schedulerConfigJson);
        }
    }

    /// <summary>The single weights file, or the index of a sharded one.</summary>
    static string WeightsPath(string dir)
    {
        var single = Path.Combine(dir, WeightsName);
        if (File.Exists(single)) return single;
        var index = single + ".index.json";
        if (File.Exists(index)) return index;
        throw new InvalidFileException(single, "weights not found (neither the file nor a sharded .index.json)");
    }

    static string Required(string path) => File.Exists(path) ? path : throw new InvalidFileException(path, "file not found");

    /// <summary>Checkpoints written before diffusers 0.14 name the VAE attention query/key/value/proj_attn.</summary>
    public static string LegacyVaeAttentionKey(string key)
    {
        if (!key.Contains(".attentions.", StringComparison.Ordinal)) return key;
        var dot = key.LastIndexOf('.');
        var stem = key[..dot];
        var leaf = key[(dot + 1)..];
        foreach (var (old, now) in new[] { ("query", "to_q"), ("key", "to_k"), ("value", "to_v"), ("proj_attn", "to_out.0") })
            if (stem.EndsWith("." + old, StringComparison.Ordinal)) return $"{stem[..^old.Length]}{now}.{leaf}";
        return key;
    }

    public void Dispose()
    {
        UNet.Dispose();
        Autoencoder.Dispose();
        Context?.Dispose();
    }
}
