using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class AtomicFileTests
{
    [Fact]
    public void FailureLeavesOldFileAndNoTemporaries()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "out.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void SuccessReplacesFileAndCreatesFolders()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "sub", "out.bin");
        AtomicFile.Write(path, s => s.Write([9, 8]));
        AtomicFile.Write(path, s => s.Write([7]));
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void FailedDepthWriteLeavesNothing()
    {
        var dir = TestData.NewTempDir();
        var map = new DepthMap(2, 2, DepthKind.Depth, [1, 2, float.NaN, 4]);
        Assert.Throws<ArgumentException>(() => DepthFile.WriteNpy(Path.Combine(dir, "x.npy"), map));
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }
}
