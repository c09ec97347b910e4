namespace BetterDepth.Tests.Imaging;

public class AtomicFolderTests
{
    [Fact]
    public void AFailingWriterLeavesTheOldFolderAndNoTempFolder()
    {
        var parent = TestData.NewTempDir("atomic-folder");
        var folder = Path.Combine(parent, "model");
        AtomicFolder.Replace(folder, temp => File.WriteAllText(Path.Combine(temp, "a.txt"), "old"));

        Assert.Throws<IOException>(() => AtomicFolder.Replace(folder, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "a.txt"), "new");
            File.WriteAllText(Path.Combine(temp, "b.txt"), "half");
            throw new IOException("disk full");
        }));

        Assert.Equal(["a.txt"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal("old", File.ReadAllText(Path.Combine(folder, "a.txt")));
        Assert.Equal([folder], Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void ReplaceSwapsTheWholeContent()
    {
        var parent = TestData.NewTempDir("atomic-folder");
        var folder = Path.Combine(parent, "nested", "model");
        AtomicFolder.Replace(folder, temp => { File.WriteAllText(Path.Combine(temp, "a.txt"), "1"); Directory.CreateDirectory(Path.Combine(temp, "sub")); });
        AtomicFolder.Replace(folder, temp => File.WriteAllText(Path.Combine(temp, "b.txt"), "2"));
        Assert.Equal(["b.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.Equal([folder], Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));
    }
}
