using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training;

public class LatentStoreTests
{
    /// <summary>Counts the rows it encodes, so a test sees which latents came from disk.</summary>
    sealed class Counting(ILatentAutoencoder inner) : ILatentAutoencoder
    {
        public int Rows;
        public int LatentChannels => inner.LatentChannels;
        public int DownscaleFactor => inner.DownscaleFactor;
        public Tensor EncodeImage(Tensor x) { Rows += (int)x.shape[0]; return inner.EncodeImage(x); }
        public Tensor EncodeDepth(Tensor x) { Rows += (int)x.shape[0]; return inner.EncodeDepth(x); }
        public Tensor DecodeDepth(Tensor latent) => inner.DecodeDepth(latent);
        public void MoveTo(Device device) => inner.MoveTo(device);
        public void Dispose() => inner.Dispose();
    }

    static Tensor Inputs(int seed, int channels) => rand([3, channels, 16, 24], generator: new Generator((ulong)seed)).Times(2).Minus(1);

    [Fact]
    public void AStoredLatentIsReadBackBitForBitAndADamagedOneIsEncodedAgain()
    {
        var folder = TestData.NewTempDir("latents");
        using var autoencoder = new Counting(new PixelUnshuffleAutoencoder(4, 8));
        var images = Inputs(1, 3);
        var depths = Inputs(2, 1);
        var store = new LatentStore(folder, autoencoder);
        var imageLatents = store.Encode(images, depth: false);
        var depthLatents = store.Encode(depths, depth: true);
        Assert.Equal([3, 8, 4, 6], imageLatents.shape);
        Assert.Equal(6, store.Misses);
        int encodedRows = autoencoder.Rows;

        // A second store over the same folder (a resumed run) encodes nothing but the fingerprint's probe.
        var again = new LatentStore(folder, autoencoder);
        Assert.True(again.Encode(images, depth: false).eq(imageLatents).all().item<bool>());
        Assert.True(again.Encode(depths, depth: true).eq(depthLatents).all().item<bool>());
        Assert.Equal((6, 0), (again.Hits, again.Misses));
        Assert.Equal(encodedRows + 2, autoencoder.Rows);

        // Truncated, wrong-shaped and non-finite entries are encoded again and replaced.
        var entries = Directory.GetFiles(folder, "*.npy", SearchOption.AllDirectories);
        File.WriteAllBytes(entries[0], File.ReadAllBytes(entries[0])[..40]);
        BetterDepth.Imaging.Npy.WriteFloat32(entries[1], new float[8 * 4 * 5], 8, 4, 5);
        var poisoned = File.ReadAllBytes(entries[2]);   // the writer refuses NaN: poison the last value's bytes
        BitConverter.GetBytes(float.NaN).CopyTo(poisoned, poisoned.Length - 4);
        File.WriteAllBytes(entries[2], poisoned);
        var repaired = new LatentStore(folder, autoencoder);
        Assert.True(repaired.Encode(images, depth: false).eq(imageLatents).all().item<bool>());
        Assert.True(repaired.Encode(depths, depth: true).eq(depthLatents).all().item<bool>());
        Assert.Equal((3, 3), (repaired.Hits, repaired.Misses));
        Assert.Equal(0, CountMisses(folder, autoencoder, images, depths));

        // A changed pixel is a new entry; the other rows of its batch are not.
        var changed = images.clone();
        changed[0, 0, 0, 0] = changed[0, 0, 0, 0].Plus(0.5);
        repaired.Encode(changed, depth: false);
        Assert.Equal((5, 4), (repaired.Hits, repaired.Misses));
        Assert.Equal(7, Directory.GetFiles(folder, "*.npy", SearchOption.AllDirectories).Length);
    }

    static int CountMisses(string folder, ILatentAutoencoder autoencoder, Tensor images, Tensor depths)
    {
        var store = new LatentStore(folder, autoencoder);
        store.Encode(images, depth: false);
        store.Encode(depths, depth: true);
        return store.Misses;
    }

    [Fact]
    public void AnotherAutoencoderDoesNotReadTheEntriesOfTheFirst()
    {
        var folder = TestData.NewTempDir("latents");
        var images = Inputs(3, 3);
        using var first = new PixelUnshuffleAutoencoder(4, 8);
        using var other = new PixelUnshuffleAutoencoder(4, 6);
        using var otherBasis = new PixelUnshuffleAutoencoder(4, 8);
        new LatentStore(folder, first).Encode(images, depth: false);
        var second = new LatentStore(folder, other);
        Assert.Equal([3, 6, 4, 6], second.Encode(images, depth: false).shape);
        Assert.Equal(3, second.Misses);
        // The same construction is the same autoencoder: its entries are shared.
        var same = new LatentStore(folder, otherBasis);
        same.Encode(images, depth: false);
        Assert.Equal(3, same.Hits);
    }
}
