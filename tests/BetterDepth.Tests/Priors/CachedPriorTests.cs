using BetterDepth.Priors;

namespace BetterDepth.Tests.Priors;

public class CachedPriorTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("priors-cache");

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Second_prediction_comes_from_disk_with_the_same_values()
    {
        var inner = new CountingPrior();
        using var cached = new CachedPrior(inner, dir);
        var image = PriorTestImages.Random(12, 9, seed: 1);
        var first = cached.Predict(image);
        var second = cached.Predict(image);
        Assert.Equal(1, inner.Calls);
        Assert.Equal((1, 1), (cached.Hits, cached.Misses));
        Assert.Equal(first.Values, second.Values);
        Assert.Equal(inner.OutputKind, second.Kind);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Key_depends_on_image_content_and_prior_identity()
    {
        var image = PriorTestImages.Random(12, 9, seed: 1);
        var other = PriorTestImages.Random(12, 9, seed: 2);
        using var a = new CachedPrior(new CountingPrior("v1"), dir);
        using var b = new CachedPrior(new CountingPrior("v2"), dir);
        Assert.NotEqual(a.EntryPath(image, null), a.EntryPath(other, null));
        Assert.NotEqual(a.EntryPath(image, null), b.EntryPath(image, null));
        Assert.Equal(a.EntryPath(image, null), new CachedPrior(new CountingPrior("v1"), dir).EntryPath(image, null));
        // The image key only matters for priors that use it.
        Assert.Equal(a.EntryPath(image, "x.png"), a.EntryPath(image, "y.png"));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("wrong-size")]
    [InlineData("garbage")]
    public void Corrupt_entries_are_recomputed(string damage)
    {
        var inner = new CountingPrior();
        using var cached = new CachedPrior(inner, dir);
        var image = PriorTestImages.Random(12, 9, seed: 3);
        var expected = cached.Predict(image).Values;
        var path = cached.EntryPath(image, null);
        switch (damage)
        {
            case "truncate": File.WriteAllBytes(path, File.ReadAllBytes(path)[..100]); break;
            case "wrong-size": BetterDepth.Imaging.Npy.WriteFloat32(path, new float[6], 2, 3); break;
            default: File.WriteAllText(path, "not an npy file at all"); break;
        }
        Assert.Equal(expected, cached.Predict(image).Values);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(expected, cached.Predict(image).Values); // repaired on disk
        Assert.Equal(2, inner.Calls);
    }
}
