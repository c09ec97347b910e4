using System.Text.Json.Serialization;
using BetterDepth.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// TAEF2, the pretrained tiny autoencoder that madebyollin/taesd distils for the FLUX.2 latent space (MIT; weights,
/// licence and provenance in models/taef2), kept frozen: RGB [B, 3, H, W] -> latent [B, 32, H/8, W/8] -> RGB, about
/// 1.3 M parameters per half, all 3x3 convolutions and ReLUs (see <see cref="TinyAutoencoderEncoder"/> and
/// <see cref="TinyAutoencoderDecoder"/>). The network works on [0, 1]; this class works on the project's [-1, 1]:
/// <c>EncodeImage(x) = scale * (Encoder((x + 1) / 2) - shift)</c>, <c>DecodeDepth(z) = 2 * mean_c(Decoder(z / scale + shift)) - 1</c>
/// (not clipped); depth is encoded as three identical channels. Weights are fp16 in the files and float32 here.
/// The files' bytes (and the licence) are kept so a saved refiner's <c>vae/</c> gets exactly the files it was loaded from.
/// </summary>
public sealed class TinyAutoencoder : ILatentAutoencoder
{
    public const string ClassName = nameof(TinyAutoencoder);
    public const string EncoderFile = "taef2_encoder.safetensors";
    public const string DecoderFile = "taef2_decoder.safetensors";
    public const string LicenseFile = "LICENSE";
    /// <summary>The shipped weights folder, relative to the repository root.</summary>
    public const string DefaultWeights = "models/taef2";

    readonly byte[] encoderBytes;
    readonly byte[] decoderBytes;
    readonly byte[] licenseBytes;

    public TinyAutoencoderEncoder Encoder { get; }
    public TinyAutoencoderDecoder Decoder { get; }
    public TinyAutoencoderConfig Config { get; }
    public int LatentChannels => Config.LatentChannels;
    public int DownscaleFactor => Config.DownscaleFactor;

    TinyAutoencoder(TinyAutoencoderConfig config, TinyAutoencoderEncoder encoder, TinyAutoencoderDecoder decoder, byte[] encoderBytes, byte[] decoderBytes, byte[] licenseBytes)
    {
        Config = config;
        Encoder = encoder;
        Decoder = decoder;
        this.encoderBytes = encoderBytes;
        this.decoderBytes = decoderBytes;
        this.licenseBytes = licenseBytes;
    }

    /// <summary>
    /// Builds the network and loads <see cref="EncoderFile"/> and <see cref="DecoderFile"/> from <paramref name="folder"/>
    /// (which must also hold the MIT <see cref="LicenseFile"/>). Every key of each file must be a weight of the network
    /// and every weight must be in the file, with the same shape; any problem names the file.
    /// </summary>
    public static TinyAutoencoder Load(TinyAutoencoderConfig config, string folder, Device? device = null)
    {
        config.Validate();
        if (!Directory.Exists(folder)) throw new InvalidFileException(folder, "TinyAutoencoder weights folder not found");
        var encoderPath = Path.Combine(folder, EncoderFile);
        var decoderPath = Path.Combine(folder, DecoderFile);
        var licensePath = Path.Combine(folder, LicenseFile);
        var encoderBytes = ReadAll(encoderPath);
        var decoderBytes = ReadAll(decoderPath);
        if (!File.Exists(licensePath)) throw new InvalidFileException(licensePath, "the weights' MIT licence must sit beside them (file not found)");
        var licenseBytes = ReadAll(licensePath);

        var encoder = new TinyAutoencoderEncoder();
        var decoder = new TinyAutoencoderDecoder();
        try
        {
            LoadExactly(encoder, encoderPath);
            LoadExactly(decoder, decoderPath);
            Freeze(encoder, device);
            Freeze(decoder, device);
            return new TinyAutoencoder(config, encoder, decoder, encoderBytes, decoderBytes, licenseBytes);
        }
        catch
        {
            encoder.Dispose();
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The shipped weights folder: <see cref="DefaultWeights"/> under the current folder or a folder above it, or above
    /// the program (a clone's build output lives inside the clone).
    /// </summary>
    public static string FindDefaultWeights()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultWeights);
                if (File.Exists(Path.Combine(candidate, EncoderFile))) return candidate;
            }
        throw new FileNotFoundException($"TinyAutoencoder weights {DefaultWeights} not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}; give the autoencoder config a \"weights\" folder");
    }

    /// <summary>Writes config.json (without the "weights" field), the two weight files and the licence into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), System.Text.Json.JsonSerializer.Serialize(Config with { Weights = null }, ConfigJson.Indented));
        File.WriteAllBytes(Path.Combine(folder, EncoderFile), encoderBytes);
        File.WriteAllBytes(Path.Combine(folder, DecoderFile), decoderBytes);
        File.WriteAllBytes(Path.Combine(folder, LicenseFile), licenseBytes);
    }

    public Tensor EncodeImage(Tensor rgbMinus1To1)
    {
        AutoencoderInput.Check(rgbMinus1To1, 3, DownscaleFactor, nameof(rgbMinus1To1));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var unit = rgbMinus1To1.Plus(1.0).Times(0.5);
        var latent = Encoder.forward(unit);
        return latent.Minus(Config.ShiftFactor).Times(Config.ScalingFactor).MoveToOuterDisposeScope();
    }

    public Tensor EncodeDepth(Tensor depthMinus1To1)
    {
        using var rgb = AutoencoderInput.DepthAsRgb(depthMinus1To1, DownscaleFactor);
        return EncodeImage(rgb);
    }

    /// <summary>The decoder's RGB on the [-1, 1] scale (not clipped).</summary>
    public Tensor DecodeImage(Tensor latent)
    {
        AutoencoderInput.CheckLatent(latent, LatentChannels);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = latent.Over(Config.ScalingFactor).Plus(Config.ShiftFactor);
        return Decoder.forward(z).Times(2.0).Minus(1.0).MoveToOuterDisposeScope();
    }

    public Tensor DecodeDepth(Tensor latent) => AutoencoderInput.DepthFromRgb(DecodeImage(latent));

    public void MoveTo(Device device)
    {
        Encoder.to(device);
        Decoder.to(device);
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }

    static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new InvalidFileException(path, "TinyAutoencoder weights file not found");
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InvalidFileException(path, $"cannot read: {e.Message}", e); }
    }

    static void Freeze(Module module, Device? device)
    {
        if (device is not null) module.to(device);
        foreach (var p in module.parameters()) p.requires_grad = false;
        module.eval();
    }

    /// <summary>Copies the file's tensors into <paramref name="module"/>: the same key set both ways, the same shapes, finite values.</summary>
    public static void LoadExactly(Module module, string path)
    {
        using var file = SafeTensorsFile.Open(path);
        var state = module.state_dict();
        foreach (var key in file.Entries.Keys.Order(StringComparer.Ordinal))
            if (!state.ContainsKey(key)) throw new InvalidFileException(path, $"unexpected weight '{key}' (not part of the {module.GetName()})");
        using var noGrad = no_grad();
        foreach (var (key, target) in state)
        {
            if (!file.Entries.TryGetValue(key, out var entry)) throw new InvalidFileException(path, $"missing weight '{key}' of the {module.GetName()}");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidFileException(path, $"weight '{key}' has shape [{string.Join(", ", entry.Shape)}], the {module.GetName()} needs [{string.Join(", ", target.shape)}]");
            using var source = file.Read(key);
            if (!source.isfinite().all().item<bool>()) throw new InvalidFileException(path, $"weight '{key}' contains NaN or infinity");
            target.copy_(source);
        }
    }
}

/// <summary>A plain sequence whose layers are registered under their index ("0", "1", ...), as the weight keys name them.</summary>
public abstract class TinyAutoencoderSequence : Module<Tensor, Tensor>
{
    readonly List<Module<Tensor, Tensor>> layers = [];

    protected TinyAutoencoderSequence(string name) : base(name) { }

    protected void Add(Module<Tensor, Tensor> layer)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
    }

    /// <summary>Runs channels-last inside (<see cref="MemoryLayout"/>); the result is an ordinary contiguous tensor.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = MemoryLayout.ChannelsLast(x);
        foreach (var layer in layers) x = layer.forward(x);
        return x.contiguous().MoveToOuterDisposeScope();
    }

    protected static Conv2d Conv(long cin, long cout, long stride = 1, bool bias = true) =>
        Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: bias);
}

/// <summary>
/// conv(3, 64), Block; three times a stride-2 conv (no bias) and three Blocks, the last three with the pool branch;
/// conv(64, 32). Indices 0..14.
/// </summary>
public sealed class TinyAutoencoderEncoder : TinyAutoencoderSequence
{
    public const int Channels = 64;
    public const int LatentChannels = 32;

    public TinyAutoencoderEncoder() : base("TinyAutoencoder encoder")
    {
        Add(Conv(3, Channels));
        Add(new TinyAutoencoderBlock(Channels, Channels, pool: false));
        for (var stage = 0; stage < 3; stage++)
        {
            Add(Conv(Channels, Channels, stride: 2, bias: false));
            for (var b = 0; b < 3; b++) Add(new TinyAutoencoderBlock(Channels, Channels, pool: stage == 2));
        }
        Add(Conv(Channels, LatentChannels));
    }
}

/// <summary>
/// tanh(x / 3) * 3, conv(32, 64), ReLU, three Blocks with the pool branch; three times nearest x2, conv (no bias) and
/// three Blocks (one the last time); conv(64, 3). Indices 0..19.
/// </summary>
public sealed class TinyAutoencoderDecoder : TinyAutoencoderSequence
{
    public TinyAutoencoderDecoder() : base("TinyAutoencoder decoder")
    {
        const int c = TinyAutoencoderEncoder.Channels;
        Add(new SoftClamp(3.0));
        Add(Conv(TinyAutoencoderEncoder.LatentChannels, c));
        Add(ReLU());
        for (var b = 0; b < 3; b++) Add(new TinyAutoencoderBlock(c, c, pool: true));
        for (var stage = 0; stage < 3; stage++)
        {
            Add(new NearestUpsample2x());
            Add(Conv(c, c, bias: false));
            for (var b = 0; b < (stage < 2 ? 3 : 1); b++) Add(new TinyAutoencoderBlock(c, c, pool: false));
        }
        Add(Conv(c, 3));
    }

    /// <summary>tanh(x / limit) * limit.</summary>
    sealed class SoftClamp(double limit) : Module<Tensor, Tensor>(nameof(SoftClamp))
    {
        public override Tensor forward(Tensor x)
        {
            using var scaled = x.Over(limit);
            using var squashed = scaled.tanh();
            return squashed.Times(limit);
        }
    }

    sealed class NearestUpsample2x() : Module<Tensor, Tensor>(nameof(NearestUpsample2x))
    {
        public override Tensor forward(Tensor x) =>
            functional.interpolate(x, size: [x.shape[2] * 2, x.shape[3] * 2], mode: InterpolationMode.Nearest);
    }
}

/// <summary>
/// ReLU(conv path + skip) with the conv path conv, ReLU, conv, ReLU, conv (keys conv.0/2/4) and the skip a bias-free 1x1
/// conv when the channel count changes (key skip), else identity. With <c>pool</c>, x = x + pool(x) first, pool being a
/// bias-free 1x1 conv c -> 4c, GroupNorm(4 groups), ReLU, a bias-free 1x1 conv 4c -> c (keys pool.0, pool.1, pool.3).
/// </summary>
public sealed class TinyAutoencoderBlock : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly Sequential conv;
    readonly Conv2d? skip;
    readonly Sequential? pool;
#pragma warning restore IDE1006

    public TinyAutoencoderBlock(long cin, long cout, bool pool) : base(nameof(TinyAutoencoderBlock))
    {
        conv = Sequential(
            Conv2d(cin, cout, 3, padding: 1), ReLU(),
            Conv2d(cout, cout, 3, padding: 1), ReLU(),
            Conv2d(cout, cout, 3, padding: 1));
        if (cin != cout) skip = Conv2d(cin, cout, 1, bias: false);
        if (pool)
            this.pool = Sequential(
                Conv2d(cin, 4 * cin, 1, bias: false),
                Norms.GroupNorm(4, 4 * cin, 1e-5, null),
                ReLU(),
                Conv2d(4 * cin, cin, 1, bias: false));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (pool is not null) x = x.Plus(pool.forward(x));
        var path = conv.forward(x);
        var sum = path.Plus(skip is null ? x : skip.forward(x));
        return functional.relu(sum).MoveToOuterDisposeScope();
    }
}

/// <summary>The <c>vae/config.json</c> of a <see cref="TinyAutoencoder"/> (the weights sit beside it).</summary>
public sealed record TinyAutoencoderConfig
{
    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = TinyAutoencoder.ClassName;
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = TinyAutoencoderEncoder.LatentChannels;
    [JsonPropertyName("downscale_factor")] public int DownscaleFactor { get; init; } = 8;
    /// <summary>Multiplies the shifted latent to about unit variance (measured on depth latents; see models/taef2/README.md).</summary>
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; init; } = DefaultScalingFactor;
    /// <summary>Subtracted from the raw latent before scaling.</summary>
    [JsonPropertyName("shift_factor")] public double ShiftFactor { get; init; } = DefaultShiftFactor;
    /// <summary>
    /// In a model setting (configs/models/*.json): the folder holding the weight files, relative to the setting's file;
    /// absent = the repository's <see cref="TinyAutoencoder.DefaultWeights"/>. Never written into a refiner's vae/
    /// config, whose weights sit beside it.
    /// </summary>
    [JsonPropertyName("weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Weights { get; init; }

    /// <summary>1 / 0.672, the standard deviation of raw depth latents (normalised disparity, 200 synthetic scenes); models/taef2/README.md.</summary>
    public const double DefaultScalingFactor = 1.49;
    /// <summary>The raw depth latents' mean was 0.004: no shift.</summary>
    public const double DefaultShiftFactor = 0.0;

    public TinyAutoencoderConfig Validate(string source = "TinyAutoencoder config")
    {
        void Check(bool ok, string problem) { if (!ok) throw new ArgumentException($"{source}: {problem}"); }
        Check(ClassName == TinyAutoencoder.ClassName, $"_class_name must be {TinyAutoencoder.ClassName}, got '{ClassName}'");
        Check(LatentChannels == TinyAutoencoderEncoder.LatentChannels, $"latent_channels must be {TinyAutoencoderEncoder.LatentChannels} (TAEF2), got {LatentChannels}");
        Check(DownscaleFactor == 8, $"downscale_factor must be 8 (TAEF2), got {DownscaleFactor}");
        Check(double.IsFinite(ScalingFactor) && ScalingFactor > 0, $"scaling_factor must be positive, got {ScalingFactor}");
        Check(double.IsFinite(ShiftFactor), $"shift_factor must be finite, got {ShiftFactor}");
        return this;
    }

    public static TinyAutoencoderConfig Parse(string json, string source) =>
        ConfigJson.Deserialize<TinyAutoencoderConfig>(json, source, "TinyAutoencoder config").Validate(source);
}
