using BetterDepth.Imaging;
using BetterDepth.Priors;

namespace BetterDepth.Tests.Priors;

public class FilePriorTests : IDisposable
{
    readonly string dir = TestData.NewTempDir("priors-file");

    public void Dispose() => Directory.Delete(dir, true);

    DepthMap WritePrediction(string relativeNpy, int w, int h)
    {
        var map = new DepthMap(w, h, DepthKind.AffineDisparity, Enumerable.Range(0, w * h).Select(i => i * 0.5f).ToArray());
        var path = Path.Combine(dir, "pred", relativeNpy);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DepthFile.WriteNpy(path, map);
        return map;
    }

    [Fact]
    public void Reads_the_prediction_at_the_images_relative_path()
    {
        var expected = WritePrediction("a/b/c.npy", 6, 4);
        using IDepthPrior prior = new FilePrior(Path.Combine(dir, "pred"), DepthKind.AffineDisparity);
        var d = prior.Predict(new RgbImage(6, 4), "a/b/c.png");
        Assert.Equal(expected.Values, d.Values);
        Assert.Equal(DepthKind.AffineDisparity, d.Kind);
    }

    [Fact]
    public void Absolute_image_paths_are_made_relative_to_the_image_root()
    {
        var expected = WritePrediction("rgb/0001.npy", 6, 4);
        using IDepthPrior prior = new FilePrior(Path.Combine(dir, "pred"), DepthKind.Depth, imageRoot: Path.Combine(dir, "dataset"));
        var d = prior.Predict(new RgbImage(6, 4), Path.Combine(dir, "dataset", "rgb", "0001.jpg"));
        Assert.Equal(expected.Values, d.Values);
        Assert.Equal(DepthKind.AffineDepth, d.Kind); // metric files are passed on as affine depth
    }

    [Fact]
    public void Predictions_of_another_size_are_resized_to_the_image()
    {
        WritePrediction("x.npy", 6, 4);
        using IDepthPrior prior = new FilePrior(Path.Combine(dir, "pred"));
        var d = prior.Predict(new RgbImage(12, 8), "x.png");
        Assert.Equal((12, 8), (d.Width, d.Height));
    }

    [Fact]
    public void Missing_prediction_names_the_paths_tried()
    {
        Directory.CreateDirectory(Path.Combine(dir, "pred"));
        using IDepthPrior prior = new FilePrior(Path.Combine(dir, "pred"));
        var e = Assert.Throws<FileNotFoundException>(() => prior.Predict(new RgbImage(2, 2), "q/r.png"));
        Assert.Contains(Path.Combine("q", "r.npy"), e.Message);
        Assert.Contains(Path.Combine("q", "r.pfm"), e.Message);
        Assert.Throws<ArgumentException>(() => prior.Predict(new RgbImage(2, 2)));
        Assert.Throws<ArgumentException>(() => new FilePrior(Path.Combine(dir, "pred"), DepthKind.Normalized));
    }
}
