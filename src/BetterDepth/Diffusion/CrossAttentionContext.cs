using BetterDepth.Imaging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// The fixed sequence the U-Net cross-attends to. There is no text encoder in BetterDepth: SD 2 based
/// models use the CLIP embedding of the empty prompt ([1, 77, 1024]) read from a file, frozen; small
/// models learn their own few tokens (a constant, input-independent context works like learned
/// per-layer keys and values). Stored as one tensor named <see cref="Key"/>.
/// </summary>
public sealed class CrossAttentionContext : nn.Module
{
    public const string Key = "encoder_hidden_states";
    public const string FileName = "context.safetensors";

#pragma warning disable IDE1006
    readonly Parameter encoder_hidden_states;
#pragma warning restore IDE1006

    public long Tokens => encoder_hidden_states.shape[1];
    public long Width => encoder_hidden_states.shape[2];

    CrossAttentionContext(Tensor value, bool learned) : base(nameof(CrossAttentionContext))
    {
        encoder_hidden_states = new Parameter(value, requires_grad: learned);
        RegisterComponents();
    }

    /// <summary>A learned context, initialised from a seeded unit normal so the tokens start distinct.</summary>
    public static CrossAttentionContext Learned(int tokens, int width, int seed, Device? device = null)
    {
        if (tokens <= 0 || width <= 0) throw new ArgumentException($"context needs positive tokens and width, got {tokens} x {width}");
        var generator = new Generator((ulong)seed);
        using var init = randn([1, tokens, width], generator: generator);
        return new CrossAttentionContext(init.to(device ?? CPU).detach().clone(), learned: true);
    }

    /// <summary>
    /// Reads a context: a <c>.npy</c> array, or from a safetensors file the tensor named <see cref="Key"/> (or the
    /// file's only tensor); shaped [1, L, D] or [L, D]; finite values only.
    /// </summary>
    public static CrossAttentionContext Load(string path, bool learned = false, Device? device = null)
    {
        var t = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? ReadNpy(path) : ReadSafeTensors(path);
        if (t.dim() == 2) t = t.unsqueeze(0);
        if (t.dim() != 3 || t.shape[0] != 1 || !t.is_floating_point())
            throw new InvalidFileException(path, $"context must be a float [1, L, D] or [L, D] array, got {t.dtype} [{string.Join(", ", t.shape)}]");
        if (!isfinite(t).all().item<bool>()) throw new InvalidFileException(path, "context contains NaN or infinite values");
        return new CrossAttentionContext(t.to(device ?? CPU).detach().clone(), learned);
    }

    static Tensor ReadNpy(string path)
    {
        var array = Npy.Read(path);
        return tensor(array.Values, array.Shape.Select(d => (long)d).ToArray());
    }

    static Tensor ReadSafeTensors(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        var name = file.Entries.ContainsKey(Key) ? Key
            : file.Entries.Count == 1 ? file.Entries.Keys.Single()
            : throw new InvalidFileException(path, $"expected a tensor named '{Key}' or a single tensor, found {file.Entries.Count}: {WeightLoader.NameList([.. file.Entries.Keys])}");
        return file.Read(name);
    }

    public void Save(string path) => SafeTensorsWriter.Write(path, [new(Key, encoder_hidden_states)]);

    /// <summary>The context repeated for a batch: [batch, L, D].</summary>
    public Tensor ForBatch(long batch) => encoder_hidden_states.expand(batch, -1, -1);
}
