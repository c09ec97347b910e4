using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Tests.Cli;
using BetterDepth.Tests.Imaging;

namespace BetterDepth.Tests.Refinement;

/// <summary>Folder walks take colour images only and count what they pass over; files named on their own are taken as given.</summary>
public class ImageInputsTests
{
    /// <summary>A dataset-like tree: colour images beside depth maps, a grey JPEG, a JSON file and a corrupt PNG.</summary>
    static string Tree()
    {
        var root = TestData.NewTempDir("walk");
        foreach (var sub in new[] { "rgb", "depth", "sub" }) Directory.CreateDirectory(Path.Combine(root, sub));
        ImageFile.WritePng(Path.Combine(root, "rgb", "000000.png"), RefinementTestModels.Image(8, 6));
        File.Copy(TestData.Real("nyu-crop", "rgb.jpg"), Path.Combine(root, "sub", "photo.jpg"));
        DepthFile.WritePng16(Path.Combine(root, "depth", "000000.png"), new DepthMap(8, 6, DepthKind.Depth, new float[48]), 1000);
        DepthFile.WriteNpy(Path.Combine(root, "depth", "000000.npy"), new DepthMap(8, 6, DepthKind.Depth, new float[48]));
        File.WriteAllBytes(Path.Combine(root, "depth", "grey.jpg"), DeclaresGreyTests.JpegHeaderOnly(1));
        File.WriteAllText(Path.Combine(root, "dataset.json"), "{}");
        File.WriteAllBytes(Path.Combine(root, "broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        return root;
    }

    [Fact]
    public void AFolderWalkTakesColourImagesAndSaysWhatItSkipped()
    {
        var root = Tree();
        var skipped = new SkippedFiles();
        var stems = ImageInputs.Stream([root], skipped).Select(i => i.RelativeStem).ToList();
        // a file whose header cannot be read is not skipped: reading it reports the problem by name
        Assert.Equal(["broken", "rgb/000000", "sub/photo"], stems);
        Assert.Equal(4, skipped.Count);
        Assert.Equal("skipped 4 files that are not colour images (*.json, depth/*.npy, depth/*.png, ...)", skipped.Summary());
    }

    [Fact]
    public void AGreyImageNamedOnItsOwnIsTaken()
    {
        var root = Tree();
        var depth = Path.Combine(root, "depth", "000000.png");
        var skipped = new SkippedFiles();
        Assert.Equal([depth], ImageInputs.Stream([depth], skipped).Select(i => i.Path));
        Assert.Null(skipped.Summary());
    }

    [Fact]
    public void AFolderOfDepthMapsAloneHasNoImagesAndSaysWhy()
    {
        var root = Tree();
        var e = Assert.Throws<ArgumentException>(() => ImageInputs.Expand([Path.Combine(root, "depth")]));
        Assert.Contains("no colour images", e.Message);
        Assert.Contains("skipped 3 files that are not colour images (*.npy, *.png, *.jpg)", e.Message);
    }

    [Fact]
    public async Task APipeInTheTreeIsNotOpenedByTheWalk()
    {
        var root = Tree();
        var pipe = Path.Combine(root, "rgb", "pipe.png");
        Assert.Equal(0, ChildProcess.Exec("mkfifo", null, pipe).Code);
        // opening a pipe blocks until a writer comes; the walk must leave it to the reader (as before it looked at headers)
        var stems = await Task.Run(() => ImageInputs.Stream([root]).Select(i => i.RelativeStem).ToList()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("rgb/pipe", stems);
    }

    [Fact]
    public void ASummaryListsAFewPatternsOnce()
    {
        var skipped = new SkippedFiles();
        foreach (var f in new[] { "a/1.png", "a/2.png", "b.txt", "a/3.PNG" }) skipped.Add(f);
        Assert.Equal("skipped 4 files that are not colour images (a/*.png, *.txt)", skipped.Summary());
        var one = new SkippedFiles();
        one.Add("notes");
        Assert.Equal("skipped 1 file that is not a colour image (*)", one.Summary());
    }
}
