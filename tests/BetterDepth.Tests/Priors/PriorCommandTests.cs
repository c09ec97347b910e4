using BetterDepth.Cli;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using static BetterDepth.Training.Onnx.OnnxGraphWriter;

namespace BetterDepth.Tests.Priors;

public class PriorCommandTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("priors-cli");

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A fixed 56x42 input keeps the run fast whatever the image size.</summary>
    string TinyModel() => TestData.Save(dir, "tiny.onnx", Model(
        [new Node("Conv", ["pixel_values", "weight", "bias"], ["predicted_depth"])],
        [new Value("pixel_values", 1, 3, 42, 56)],
        [new Value("predicted_depth", 1, 1, 42, 56)],
        [new Initializer("weight", [1, 3, 1, 1], [0.5f, -0.25f, 0.75f]), new Initializer("bias", [1], [2f])]));

    [Fact]
    public void Writes_every_format_for_good_images_and_skips_bad_ones()
    {
        var model = TinyModel();
        var good = TestData.Real("nyu-crop", "rgb.jpg");
        var bad = Path.Combine(dir, "broken.png");
        File.WriteAllBytes(bad, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var outDir = Path.Combine(dir, "out");

        int code = Program.Run(["prior", "--prior", $"depth-anything-v2:{model}", good, bad,
            "-o", outDir, "--formats", "npy,pfm,png16,color", "--threads", "1"]);

        Assert.Equal(CommandRunner.ExitBadInput, code); // one image was bad
        Assert.Empty(Directory.GetFiles(outDir, "broken*"));
        using var prior = new OnnxDepthPrior(model, OnnxPreset.DepthAnythingV2, 1);
        var image = ImageFile.ReadRgb(good);
        var expected = prior.Predict(image);
        var npy = DepthFile.ReadNpy(Path.Combine(outDir, "rgb.npy"), DepthKind.AffineDisparity);
        Assert.Equal(expected.Values, npy.Values);
        Assert.Equal(expected.Values, DepthFile.ReadPfm(Path.Combine(outDir, "rgb.pfm"), DepthKind.AffineDisparity).Values);
        // the 16-bit PNG is predict's: NAME.png, [0, 1] to 0..65535 after min-max scaling of other ranges
        Assert.False(File.Exists(Path.Combine(outDir, "rgb_16bit.png")));
        var png16 = DepthFile.ReadPng16(Path.Combine(outDir, "rgb.png"), 1.0, DepthKind.AffineDisparity);
        if (expected.Values.Min() < 0 || expected.Values.Max() > 1) Assert.Equal((0f, 65535f), (png16.Values.Min(), png16.Values.Max()));
        else Assert.Equal(Math.Round(expected.Values.Max() * 65535), png16.Values.Max());
        var color = ImageFile.ReadRgb(Path.Combine(outDir, "rgb_color.png"));
        Assert.Equal((image.Width, image.Height), (color.Width, color.Height));
    }

    [Fact]
    public void Unknown_format_and_unknown_prior_are_bad_input()
    {
        var img = TestData.Real("nyu-crop", "rgb.jpg");
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["prior", "--prior", TinyModel(), img, "--output", dir, "--formats", "tiff"]));
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["prior", "--prior", "nope:x", img, "--output", dir]));
    }
}
