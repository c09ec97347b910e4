using BetterDepth.Compute;
using System.Text.Json;
using System.Text.Json.Nodes;
using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>
/// The trained parts of BetterDepth and how they fit together: the denoising U-Net, the frozen latent
/// autoencoder, the cross-attention context and the noise schedule it was trained with. Inference and
/// training use it the same way. On disk it is a diffusers-layout folder (unet/, vae/, scheduler/,
/// context.safetensors) plus <c>refiner.json</c>, which records the conditioning and whether the condition
/// skip is on.
/// </summary>
public sealed class RefinerModel : IDisposable
{
    public const string ManifestName = "refiner.json";

    public UNet2DConditionModel Unet { get; }
    public ILatentAutoencoder Autoencoder { get; }
    public CrossAttentionContext Context { get; }
    public SchedulerConfig Scheduler { get; }
    public Conditioning Conditioning { get; }
    /// <summary>
    /// The U-Net predicts x0 - z_c instead of x0: the refiner starts as the identity on its condition and learns only
    /// what to change. A deviation from the paper for refiners trained from scratch (the paper's SD 2 U-Net needs no
    /// such help); needs depth conditioning and x0 ("sample") prediction. See docs/training.md.
    /// </summary>
    public bool ConditionSkip { get; }
    public Device Device { get; private set; }

    public RefinerModel(UNet2DConditionModel unet, ILatentAutoencoder autoencoder, CrossAttentionContext context, SchedulerConfig scheduler, Conditioning conditioning, Device device,
        bool conditionSkip = false)
    {
        int expected = InputChannels(autoencoder.LatentChannels, conditioning);
        if (unet.Config.InChannels != expected)
            throw new ArgumentException($"U-Net has {unet.Config.InChannels} input channels, but {conditioning} conditioning with {autoencoder.LatentChannels}-channel latents needs {expected}");
        if (unet.Config.OutChannels != autoencoder.LatentChannels)
            throw new ArgumentException($"U-Net predicts {unet.Config.OutChannels} channels, the autoencoder's latents have {autoencoder.LatentChannels}");
        if (context.Width != unet.Config.CrossAttentionDim)
            throw new ArgumentException($"context width {context.Width} differs from the U-Net's cross_attention_dim {unet.Config.CrossAttentionDim}");
        scheduler.Validate();
        if (conditionSkip && (conditioning != Conditioning.ImageAndDepth || scheduler.PredictionType != PredictionType.Sample))
            throw new ArgumentException($"the condition skip needs depth conditioning and x0 ('sample') prediction, got {conditioning} and {scheduler.PredictionType}");
        ConditionSkip = conditionSkip;
        Unet = unet;
        Autoencoder = autoencoder;
        Context = context;
        Scheduler = scheduler;
        Conditioning = conditioning;
        Device = device;
    }

    /// <summary>U-Net input channels: concat(z_x, z_c, z_t), or concat(z_x, z_t) without depth conditioning.</summary>
    public static int InputChannels(int latentChannels, Conditioning conditioning) =>
        latentChannels * (conditioning == Conditioning.ImageAndDepth ? 3 : 2);

    /// <summary>
    /// A fresh, untrained refiner of a named model setting (configs/models/NAME.json) for training from scratch. The
    /// layers initialise themselves from libtorch's global generator, seeded here: the same seed gives the same weights
    /// unless another thread of the process draws from that generator meanwhile.
    /// </summary>
    public static RefinerModel Create(DiffusionModelConfig config, Conditioning conditioning, SchedulerConfig scheduler, int seed, Device device,
        bool conditionSkip = false)
    {
        manual_seed(seed);
        var autoencoder = config.CreateAutoencoder(device);
        var unetConfig = config.UNet with { InChannels = InputChannels(autoencoder.LatentChannels, conditioning) };
        var unet = new UNet2DConditionModel(unetConfig, device);
        var context = CrossAttentionContext.Learned(config.ContextTokens, unetConfig.CrossAttentionDim, seed, device);
        return new RefinerModel(unet, autoencoder, context, scheduler, conditioning, device, conditionSkip);
    }

    /// <summary>Loads a refiner folder. A diffusers folder without refiner.json (e.g. SD 2 or Marigold) needs <paramref name="contextPath"/> and is widened to 12 channels.</summary>
    public static RefinerModel Load(string folder, Device device, string? contextPath = null)
    {
        AtomicFolder.Recover(folder); // a save killed between its renames (see Save)
        var manifestPath = Path.Combine(folder, ManifestName);
        var (conditioning, conditionSkip) = (Conditioning.ImageAndDepth, false);
        if (File.Exists(manifestPath)) (conditioning, conditionSkip) = ReadManifest(manifestPath);
        else if (!Directory.Exists(folder)) throw new InvalidFileException(folder, "refiner folder not found");
        // Without the manifest the conditioning and the condition skip are unknown, and guessing them gives depth that is
        // wrong by 0.3 on average with exit 0. Only a bare diffusers checkpoint (SD 2, Marigold), which comes with its
        // own context file, is known to be plain depth conditioning without the skip.
        else if (contextPath is null)
            throw new InvalidFileException(folder, $"no {ManifestName}: not a BetterDepth refiner folder (a bare diffusers checkpoint needs its empty-prompt context file)");

        var schedulerPath = Path.Combine(folder, "scheduler", "scheduler_config.json");
        var scheduler = File.Exists(schedulerPath) ? SchedulerConfig.Load(schedulerPath) : SchedulerConfig.MarigoldV1_0;
        var vaeConfig = Path.Combine(folder, "vae", "config.json");
        var checkpoint = DiffusersCheckpoint.Load(folder, device, new CheckpointLoadOptions
        {
            ContextPath = contextPath,
            UNetInChannels = File.Exists(vaeConfig) ? InputChannels(LatentChannelsOf(vaeConfig), conditioning) : null,
        });
        if (checkpoint.Context is null)
        {
            checkpoint.Dispose();
            throw new InvalidFileException(folder, $"no cross-attention context: the folder has no {CrossAttentionContext.FileName}; pass the empty-prompt embedding file");
        }
        try
        {
            return new RefinerModel(checkpoint.UNet, checkpoint.Autoencoder, checkpoint.Context, scheduler, conditioning, device, conditionSkip);
        }
        catch (ArgumentException e)
        {
            checkpoint.Dispose();
            throw new InvalidFileException(folder, e.Message, e);
        }
    }

    /// <summary>Writes the folder atomically (see <see cref="AtomicFolder"/>).</summary>
    /// <param name="defaults">How the folder asks to be run (<see cref="RefinerDefaults"/>), written as refiner.json's <c>defaults</c>.</param>
    public void Save(string folder, JsonObject? trainingInfo = null, JsonObject? defaults = null) => AtomicFolder.Replace(folder, temp =>
    {
        DiffusersCheckpoint.Save(temp, Unet, Autoencoder, Context, Scheduler.ToJson());
        var manifest = new JsonObject
        {
            ["format"] = "betterdepth-refiner",
            ["version"] = 1,
            ["conditioning"] = Conditioning == Conditioning.ImageAndDepth ? "image_and_depth" : "image_only",
            ["condition_skip"] = ConditionSkip,
            ["output"] = "affine-invariant disparity (decoded [-1, 1] mapped to [0, 1], 1 = near)",
        };
        if (defaults is not null) manifest["defaults"] = defaults.DeepClone();
        if (trainingInfo is not null) manifest["training"] = trainingInfo.DeepClone();
        File.WriteAllText(Path.Combine(temp, ManifestName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    });

    /// <summary>The model setting (configs/models/NAME.json) a refiner folder was trained as, from its refiner.json; null if it does not say.</summary>
    public static string? TrainedModelSetting(string folder)
    {
        var path = Path.Combine(folder, ManifestName);
        return File.Exists(path) ? FromManifest(path, json => (json as JsonObject)?["training"]?["model"]?.GetValue<string>()) : null;
    }

    static (Conditioning Conditioning, bool ConditionSkip) ReadManifest(string path) => FromManifest(path, node =>
    {
        var json = node as JsonObject ?? throw new InvalidFileException(path, "not a JSON object");
        if (json["format"]?.GetValue<string>() != "betterdepth-refiner") throw new InvalidFileException(path, "format is not 'betterdepth-refiner'");
        var conditioning = json["conditioning"]?.GetValue<string>() switch
        {
            "image_and_depth" => Conditioning.ImageAndDepth,
            "image_only" => Conditioning.ImageOnly,
            var c => throw new InvalidFileException(path, $"conditioning must be image_and_depth or image_only, got '{c}'"),
        };
        // absent in refiners written before the option existed: off
        return (conditioning, json["condition_skip"]?.GetValue<bool>() ?? false);
    });

    /// <summary>Reads refiner.json with <paramref name="read"/>; malformed JSON or a value of the wrong type names the file.</summary>
    internal static T FromManifest<T>(string path, Func<JsonNode?, T> read)
    {
        try
        {
            return read(JsonNode.Parse(File.ReadAllText(path), documentOptions: ConfigJson.NoDuplicates));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { throw new InvalidFileException(path, e.Message, e); }
    }

    static int LatentChannelsOf(string vaeConfigPath) =>
        DiffusionModelConfig.AutoencoderLayoutOf(vaeConfigPath).LatentChannels;

    /// <summary>
    /// The refiner's prediction (v for a v-prediction model) from the latents in the paper's order
    /// concat(z_x, z_c, z_t), plus z_c with the condition skip; <paramref name="conditionLatent"/> is ignored without
    /// depth conditioning. Image and condition latents with batch 1 are broadcast to the noisy latents' batch.
    /// </summary>
    public Tensor Predict(Tensor imageLatent, Tensor? conditionLatent, Tensor noisyLatent, Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        long batch = noisyLatent.shape[0];
        var parts = new List<Tensor> { Broadcast(imageLatent, batch) };
        Tensor? condition = null;
        if (Conditioning == Conditioning.ImageAndDepth)
            parts.Add(condition = Broadcast(conditionLatent ?? throw new ArgumentNullException(nameof(conditionLatent), "a depth-conditioned refiner needs a condition latent"), batch));
        parts.Add(noisyLatent);
        var input = cat(parts, dim: 1);
        var output = Unet.forward(input, timesteps, Context.ForBatch(batch));
        if (ConditionSkip) output = output.Plus(condition!);
        return output.MoveToOuterDisposeScope();
    }

    static Tensor Broadcast(Tensor latent, long batch) =>
        latent.shape[0] == batch ? latent : latent.expand(batch, -1, -1, -1);

    public void Dispose()
    {
        Unet.Dispose();
        Autoencoder.Dispose();
        Context.Dispose();
    }
}
