using System.Globalization;
using BetterDepth.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// The learned prior's weights file: safetensors with one F32 tensor per state-dict key and the network
/// configuration in "__metadata__", so a file alone rebuilds the network it came from.
/// </summary>
internal static class PriorWeights
{
    const string FormatTag = "betterdepth-prior-cnn";
    /// <summary>
    /// 2: the encoder-decoder with skips to 1/4 (1: the blob-making net without skips, whose weights cannot load);
    /// 3: architecture 2 with residual blocks at 1/32, 1/16 and 1/8 (metadata "residual_blocks"). A network without
    /// residual blocks is saved as 2, so the files it makes load in versions that know only 2;
    /// 4: architecture 3 with attention blocks at 1/32 and 1/16 (metadata "residual_blocks" and "attention_blocks");
    /// 5: architecture 4 with a layout corrector on the output (metadata "layout_channels" as well);
    /// 6: architecture 5 with residual blocks in the encoder at 1/8 and 1/16 (metadata "encoder_blocks" as well).
    /// </summary>
    const int FirstArchitecture = 2;
    /// <summary>The metadata each architecture adds to the one before it: architecture 2 + i has the first i of these.</summary>
    static readonly string[] BlockKeys = ["residual_blocks", "attention_blocks", "layout_channels", "encoder_blocks"];
    static int[] BlockCounts(PriorCnnConfig c) => [c.ResidualBlocks, c.AttentionBlocks, c.LayoutChannels, c.EncoderBlocks];
    const string HeadKey = "head.weight", LayoutHeadKey = "layout.head.weight";

    public static void Save(PriorCnn model, string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        // The oldest architecture that holds this network, so its files load in the versions that know only that one.
        var counts = BlockCounts(model.Config);
        var keys = Array.FindLastIndex(counts, n => n > 0) + 1;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatTag,
            ["architecture"] = (FirstArchitecture + keys).ToString(CultureInfo.InvariantCulture),
            ["base_channels"] = model.Config.BaseChannels.ToString(CultureInfo.InvariantCulture),
            ["width"] = model.Config.Width.ToString(CultureInfo.InvariantCulture),
            ["height"] = model.Config.Height.ToString(CultureInfo.InvariantCulture),
            ["output"] = "affine_disparity",
        };
        for (int i = 0; i < keys; i++) metadata[BlockKeys[i]] = counts[i].ToString(CultureInfo.InvariantCulture);
        if (extraMetadata is not null) foreach (var (k, v) in extraMetadata) metadata.TryAdd(k, v);
        SafeTensorsWriter.Write(path, model.state_dict(), metadata);
    }

    /// <summary>The first 16 hex digits of the file's SHA-256: what caches key a prior's weights on.</summary>
    public static string ContentHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream))[..16];
    }

    /// <summary>Builds the network described by the file and loads every weight; any mismatch names the file and key.</summary>
    public static PriorCnn Load(string path, Device? device = null)
    {
        using var file = SafeTensorsFile.Open(path);
        var metadata = file.Metadata;
        if (!metadata.TryGetValue("format", out var format) || format != FormatTag)
            throw new InvalidFileException(path, $"not a learned-prior weights file (metadata 'format' is '{format ?? "missing"}', expected '{FormatTag}')");
        metadata.TryGetValue("architecture", out var architecture);
        var last = FirstArchitecture + BlockKeys.Length;
        if (!int.TryParse(architecture, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < FirstArchitecture || number > last)
            throw new InvalidFileException(path, $"learned-prior weights of architecture {architecture ?? "1"}; this version builds architectures {FirstArchitecture} to {last} (retrain with `betterdepth train-prior`)");
        var keys = number - FirstArchitecture;
        int Count(int key) => key < keys ? MetaInt(path, metadata, BlockKeys[key]) : 0;
        var config = new PriorCnnConfig(MetaInt(path, metadata, "base_channels"), MetaInt(path, metadata, "width"), MetaInt(path, metadata, "height"),
            Count(0), Count(1), Count(2), Count(3));
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidFileException(path, $"metadata describes an impossible network: {e.Message}", e); }
        // The metadata must agree with the tensors before the network is allocated: the head's kernel is [1, 2 x base_channels, 3, 3].
        var headChannelsNeeded = 2 * config.BaseChannels;
        if (!file.Entries.TryGetValue(HeadKey, out var head) || head.Shape is not [1, var headChannels, 3, 3] || headChannels != headChannelsNeeded)
            throw new InvalidFileException(path, $"metadata base_channels {config.BaseChannels} does not match the weights: '{HeadKey}' {(head is null ? "is missing" : $"has shape [{string.Join(", ", head.Shape)}]")}, base_channels {config.BaseChannels} needs [1, {headChannelsNeeded}, 3, 3]");

        if (config.LayoutChannels > 0 && (!file.Entries.TryGetValue(LayoutHeadKey, out var layoutHead) || layoutHead.Shape is not [1, var lc, 3, 3] || lc != 2 * config.LayoutChannels))
            throw new InvalidFileException(path, $"metadata layout_channels {config.LayoutChannels} does not match the weights' '{LayoutHeadKey}'");

        // ... and so must the block counts: block N-1 present, block N absent (a count beyond the tensors allocates nothing).
        CheckBlockCount(file, "residual_blocks", config.ResidualBlocks, "res32.{0}.conv1.weight");
        CheckBlockCount(file, "attention_blocks", config.AttentionBlocks, "attn32.{0}.attention.to_q.weight");
        CheckBlockCount(file, "encoder_blocks", config.EncoderBlocks, "enc3res.{0}.conv1.weight");

        var model = new PriorCnn(config);
        try
        {
            LoadInto(model, file);
            if (device is not null) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static void CheckBlockCount(SafeTensorsFile file, string metadataKey, int count, string blockKeyFormat)
    {
        string Key(int block) => string.Format(CultureInfo.InvariantCulture, blockKeyFormat, block);
        if (count > 0 && !file.Entries.ContainsKey(Key(count - 1)) || file.Entries.ContainsKey(Key(count)))
            throw new InvalidFileException(file.Path, $"metadata {metadataKey} {count} does not match the weights' {metadataKey.Replace('_', ' ')}");
    }

    /// <summary>Copies the file's tensors into <paramref name="model"/>, requiring the exact same keys and shapes.</summary>
    internal static void LoadInto(nn.Module model, SafeTensorsFile file)
    {
        var state = model.state_dict();
        foreach (var key in file.Entries.Keys)
            if (!state.ContainsKey(key)) throw new InvalidFileException(file.Path, $"unexpected weight '{key}' (not part of the network)");
        using var noGrad = no_grad();
        foreach (var (key, target) in state)
        {
            if (!file.Entries.TryGetValue(key, out var entry)) throw new InvalidFileException(file.Path, $"missing weight '{key}'");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidFileException(file.Path, $"weight '{key}' has shape [{string.Join(", ", entry.Shape)}], the network needs [{string.Join(", ", target.shape)}]");
            using var source = file.Read(key);
            if (!source.isfinite().all().item<bool>()) throw new InvalidFileException(file.Path, $"weight '{key}' contains NaN or infinity");
            target.copy_(source);
        }
    }

    static int MetaInt(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new InvalidFileException(path, $"metadata '{key}' is missing or not an integer");
}
