using BetterDepth.Diffusion;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>
/// The frozen autoencoder's latents of each prepared sample (image, condition, label), encoded the first time the
/// sample is drawn in a given mirror and kept for the rest of the run. Since the autoencoder never trains and the
/// prepared samples are fixed, this changes no value, only the cost: a pretrained encoder such as TAEF2 costs far
/// more per image than the U-Net step it feeds. Memory: 3 x latent channels x h x w floats per sample and mirror.
/// With a folder, what is encoded also goes to disk (<see cref="LatentStore"/>), where a resumed run finds it again.
/// </summary>
internal sealed class LatentCache(string? folder = null) : IDisposable
{
    LatentStore? store;

    public sealed record Latents(Tensor Image, Tensor Condition, Tensor Target);

    readonly Dictionary<(int Part, int Index, bool Flip), Latents> entries = new();

    public int Count => entries.Count;

    /// <summary>The batch's latents [B, C, h, w] each, encoding only the samples not seen before (as one batch).</summary>
    public Latents Get(IReadOnlyList<(int Part, int Index, bool Flip)> keys, TrainingBatch batch, ILatentAutoencoder autoencoder)
    {
        var missing = Enumerable.Range(0, keys.Count).Where(i => !entries.ContainsKey(keys[i])).ToList();
        if (missing.Count > 0)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var rows = tensor(missing.Select(i => (long)i).ToArray(), device: batch.Images.device);
            if (folder is not null) store ??= new LatentStore(folder, autoencoder);
            Tensor Encode(Tensor inputs, bool depth) =>
                store is not null ? store.Encode(inputs, depth) : depth ? autoencoder.EncodeDepth(inputs) : autoencoder.EncodeImage(inputs);
            var image = Encode(batch.Images.index_select(0, rows), depth: false);
            var condition = Encode(batch.Conditions.index_select(0, rows), depth: true);
            var target = Encode(batch.Targets.index_select(0, rows), depth: true);
            for (int m = 0; m < missing.Count; m++)
            {
                var key = keys[missing[m]];
                if (entries.ContainsKey(key)) continue; // the same sample twice in one batch
                entries[key] = new Latents(Keep(image[m]), Keep(condition[m]), Keep(target[m]));
            }
        }
        var chosen = keys.Select(k => entries[k]).ToList();
        return new Latents(stack(chosen.Select(l => l.Image)), stack(chosen.Select(l => l.Condition)), stack(chosen.Select(l => l.Target)));
    }

    static Tensor Keep(Tensor row) => row.detach().clone().DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var l in entries.Values) { l.Image.Dispose(); l.Condition.Dispose(); l.Target.Dispose(); }
        entries.Clear();
    }
}
