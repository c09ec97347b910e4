using BetterDepth.Cli;
using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Cli;

[Collection(ConsoleDisplay.Name)]
public class PredictCommandTests
{
    /// <summary>Two good images (one in a subfolder), their file-prior predictions, a saved tiny refiner.</summary>
    static (string Images, string Priors, string Refiner, string Root) Setup()
    {
        var root = TestData.NewTempDir("predict-cli");
        var images = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        var priors = Directory.CreateDirectory(Path.Combine(root, "priors")).FullName;
        Directory.CreateDirectory(Path.Combine(images, "sub"));
        Directory.CreateDirectory(Path.Combine(priors, "sub"));
        var prior = new RefinementTestModels.RampPrior();
        foreach (var (stem, w, h) in new[] { ("a", 32, 24), ("sub/b", 37, 23) })
        {
            var image = RefinementTestModels.Image(w, h, stem.Length);
            ImageFile.WritePng(Path.Combine(images, stem + ".png"), image);
            DepthFile.WriteNpy(Path.Combine(priors, stem + ".npy"), prior.Predict(image));
        }
        var refiner = Path.Combine(root, "refiner");
        using (var model = RefinementTestModels.Tiny()) model.Save(refiner);
        return (images, priors, refiner, root);
    }

    static int Predict(params string[] args) => Program.Run(["predict", .. args]);

    [Fact]
    public void WithoutPriorOrSettingsTheRefinerFoldersDefaultsAreUsed()
    {
        var (images, priors, refiner, root) = Setup();
        // the folder names a file prior beside itself and the input size: no --prior, no --processing-res
        var manifest = Path.Combine(refiner, RefinerModel.ManifestName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        json["defaults"] = System.Text.Json.Nodes.JsonNode.Parse("""{"prior": {"kind": "file", "path": "../priors"}, "denoising_steps": 1, "processing_resolution": 0}""");
        File.WriteAllText(manifest, json.ToJsonString());
        var output = Path.Combine(root, "out");
        Assert.Equal(0, Predict(images, "--refiner", refiner, "--formats", "npy", "--save-prior", "-o", output));
        foreach (var stem in new[] { "a", "sub/b" })
            Assert.Equal(DepthFile.ReadNpy(Path.Combine(priors, stem + ".npy"), DepthKind.AffineDisparity).Values,
                DepthFile.ReadNpy(Path.Combine(output, stem + "_prior.npy"), DepthKind.AffineDisparity).Values);

        // an option still overrides the folder: a prior that finds nothing fails every image
        var elsewhere = TestData.NewTempDir("no-priors");
        Assert.Equal(CommandRunner.ExitBadInput, Predict(images, "--refiner", refiner, "--prior", "file:" + elsewhere, "-o", Path.Combine(root, "out2")));
    }

    [Fact]
    public void RefinesAFolderWritesEveryFormatAndSkipsACorruptImage()
    {
        var (images, priors, refiner, root) = Setup();
        File.WriteAllBytes(Path.Combine(images, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var output = Path.Combine(root, "out");
        int code = Predict(images, "--prior", "file:" + priors, "--refiner", refiner, "--processing-res", "0", "--steps", "1",
            "--ensemble", "2", "--formats", "npy,png16,color,ply,pfm", "--save-prior", "-o", output);
        Assert.Equal(CommandRunner.ExitBadInput, code);   // the broken image is reported at the end

        foreach (var (stem, w, h) in new[] { ("a", 32, 24), ("sub/b", 37, 23) })
        {
            var refined = DepthFile.ReadNpy(Path.Combine(output, stem + ".npy"), DepthKind.AffineDisparity);
            Assert.Equal((w, h), (refined.Width, refined.Height));
            Assert.All(refined.Values, v => Assert.InRange(v, 0f, 1f));
            Assert.Equal(refined.Values, DepthFile.ReadPfm(Path.Combine(output, stem + ".pfm"), DepthKind.AffineDisparity).Values);
            foreach (var suffix in new[] { ".png", "_color.png", ".ply", "_prior.npy", "_prior.ply", "_uncertainty.npy", "_uncertainty.png" })
                Assert.True(File.Exists(Path.Combine(output, stem + suffix)), stem + suffix);
            Assert.False(File.Exists(Path.Combine(output, stem + "_uncertainty.ply")));
            // The prior is written as the prior gave it (here: the ramp file itself).
            Assert.Equal(DepthFile.ReadNpy(Path.Combine(priors, stem + ".npy"), DepthKind.AffineDisparity).Values,
                DepthFile.ReadNpy(Path.Combine(output, stem + "_prior.npy"), DepthKind.AffineDisparity).Values);
        }
        Assert.Empty(Directory.GetFiles(output, "broken*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void ThePriorsOwnFilesAreWrittenOnlyWhenAskedFor()
    {
        var (images, priors, refiner, root) = Setup();
        var output = Path.Combine(root, "out");
        Assert.Equal(0, Predict(images, "--prior", "file:" + priors, "--refiner", refiner, "--processing-res", "0", "--steps", "1", "-o", output));
        Assert.Equal(["a.npy", "a.png", "a_color.png"], Directory.GetFiles(output).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void BadInputExitsWithTwoAndWritesNothing()
    {
        var (images, priors, refiner, root) = Setup();
        var output = Path.Combine(root, "out");
        string[] common = ["--prior", "file:" + priors, "--processing-res", "0", "--steps", "1", "-o", output];
        Assert.Equal(CommandRunner.ExitBadInput, Predict([images, "--refiner", Path.Combine(root, "no-such-refiner"), .. common]));
        Assert.Equal(CommandRunner.ExitBadInput, Predict([Path.Combine(root, "no-such-image.png"), "--refiner", refiner, .. common]));
        Assert.Equal(CommandRunner.ExitBadInput, Predict([images, "--refiner", refiner, "--formats", "jpeg", .. common]));
        Assert.Equal(CommandRunner.ExitBadInput, Predict([images, "--refiner", refiner, "--reduce", "max", .. common]));
        Assert.Equal(CommandRunner.ExitBadInput, Predict([images, "--refiner", refiner, "--ensemble", "0", .. common]));
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }

    [Fact]
    public void DefaultIntrinsicsHaveASixtyDegreeFieldOfView()
    {
        var k = PredictionWriter.DefaultIntrinsics(640, 480);
        Assert.Equal(60.0, 2 * Math.Atan(320 / k.Fx) * 180 / Math.PI, 9);
        Assert.Equal(k.Fx, k.Fy);
        Assert.Equal((319.5, 239.5), (k.Cx, k.Cy));
    }
}
