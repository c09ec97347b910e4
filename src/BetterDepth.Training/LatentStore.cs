using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Imaging;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>
/// The frozen autoencoder's latents on disk, so a resumed run, or another run over the same samples (an ablation that
/// changes only the loss), reads them instead of paying the encoder again. Content-addressed: an entry is
/// folder/ab/abcd….npy, named by SHA-256 over the autoencoder's fingerprint, the kind of input (image or depth) and the
/// input's exact float32 values, so a different prior, alignment, mirror or autoencoder simply misses. An entry that is
/// damaged, of the wrong shape or not finite is encoded again and replaced; entries are written atomically.
/// </summary>
internal sealed class LatentStore(string folder, ILatentAutoencoder autoencoder)
{
    string? fingerprint;

    public string Folder { get; } = folder;
    public int Hits { get; private set; }
    public int Misses { get; private set; }

    /// <summary>Latents [B, c, h, w] of <paramref name="inputs"/> [B, C, H, W]; rows not on disk are encoded as one batch and stored.</summary>
    public Tensor Encode(Tensor inputs, bool depth)
    {
        fingerprint ??= Fingerprint(inputs.device);
        int count = (int)inputs.shape[0];
        long[] latentShape = [autoencoder.LatentChannels, inputs.shape[2] / autoencoder.DownscaleFactor, inputs.shape[3] / autoencoder.DownscaleFactor];
        var paths = new string[count];
        var latents = new Tensor?[count];
        using (var host = inputs.detach().to(float32).cpu().contiguous())
            for (int i = 0; i < count; i++)
            {
                paths[i] = EntryPath(host[i], depth);
                latents[i] = TryRead(paths[i], latentShape);
            }
        var missing = Enumerable.Range(0, count).Where(i => latents[i] is null).ToArray();
        Hits += count - missing.Length;
        Misses += missing.Length;
        if (missing.Length > 0)
        {
            using var rows = tensor(missing.Select(i => (long)i).ToArray(), device: inputs.device);
            using var selected = inputs.index_select(0, rows);
            var encoded = depth ? autoencoder.EncodeDepth(selected) : autoencoder.EncodeImage(selected);
            for (int m = 0; m < missing.Length; m++)
            {
                var latent = encoded[m];
                latents[missing[m]] = latent;
                using var host = latent.to(float32).cpu().contiguous();
                Directory.CreateDirectory(Path.GetDirectoryName(paths[missing[m]])!);
                Npy.WriteFloat32(paths[missing[m]], host.data<float>().ToArray(), [.. latentShape.Select(s => (int)s)]);
            }
        }
        return stack(latents.Select(l => l!.to(inputs.device))).to(inputs.dtype);
    }

    string EntryPath(Tensor row, bool depth)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{fingerprint}\n{(depth ? "depth" : "image")}\n{string.Join("x", row.shape)}\n"));
        sha.AppendData(MemoryMarshal.AsBytes(row.data<float>().ToArray().AsSpan()));
        var hex = Convert.ToHexStringLower(sha.GetHashAndReset());
        return Path.Combine(Folder, hex[..2], hex + ".npy");
    }

    static Tensor? TryRead(string path, long[] shape)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var npy = Npy.Read(path);
            if (!npy.Shape.Select(s => (long)s).SequenceEqual(shape)) return null;
            foreach (var v in npy.Values) if (!float.IsFinite(v)) return null;
            return tensor(npy.Values, shape);
        }
        catch (InvalidFileException)
        {
            return null; // truncated or foreign bytes: encode again
        }
    }

    /// <summary>
    /// Identifies the autoencoder by what it does rather than by its files (the interface has no weights to hash):
    /// the bytes of its image and depth latents of a fixed pattern on the run's device. Other weights or another scaling
    /// factor change them, so no entry of one autoencoder is read for another; another device or thread count may only
    /// miss.
    /// </summary>
    string Fingerprint(Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int f = autoencoder.DownscaleFactor, side = 4 * f;
        var ramp = linspace(-1, 1, 3 * side * side).reshape(1, 3, side, side);
        var pattern = ramp.Times(7).sin().to(device);
        var image = autoencoder.EncodeImage(pattern).to(float32).cpu().contiguous();
        var depth = autoencoder.EncodeDepth(pattern.narrow(1, 0, 1)).to(float32).cpu().contiguous();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{autoencoder.GetType().FullName}\n{autoencoder.LatentChannels}x{autoencoder.DownscaleFactor}\n"));
        sha.AppendData(MemoryMarshal.AsBytes(image.data<float>().ToArray().AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(depth.data<float>().ToArray().AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
