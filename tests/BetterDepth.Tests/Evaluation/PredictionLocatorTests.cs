using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

/// <summary>Predictions are found whether they mirror the dataset from its root or from a folder below it, as predict writes them.</summary>
public class PredictionLocatorTests
{
    static EvaluationSample Sample(string rgb) => new(rgb, rgb, [], () => throw new InvalidOperationException("not loaded here"));

    static string Touch(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Fact]
    public void PredictionsWithoutTheLeadingFoldersAreFound()
    {
        var samples = new[] { Sample("rgb/000000.png"), Sample("rgb/000001.png") };
        var mirrored = TestData.NewTempDir("pred");   // predict DATASET -o P
        Touch(mirrored, "rgb/000001.npy");
        Assert.Equal(0, PredictionLocator.FoldersLeftOut(mirrored, samples, _ => null));

        var below = TestData.NewTempDir("pred");      // predict DATASET/rgb -o P
        var written = Touch(below, "000001.npy");
        int leftOut = PredictionLocator.FoldersLeftOut(below, samples, _ => null);
        Assert.Equal(1, leftOut);
        Assert.Equal(written, PredictionLocator.Find(below, samples[1], null, leftOut));
        Assert.Null(PredictionLocator.Find(below, samples[0], null, leftOut));
        Assert.Equal(Path.Combine(below, "000000.npy"), PredictionLocator.Candidates(below, samples[0], leftOut)[0]);
    }

    [Fact]
    public void FoldersAreNotLeftOutWhereTheyTellSamplesApart()
    {
        // two ScanNet scenes share file names: a flat folder of predictions cannot say which scene 000000.npy is
        var samples = new[] { Sample("scene0/color/000000.jpg"), Sample("scene1/color/000000.jpg") };
        var flat = TestData.NewTempDir("pred");
        Touch(flat, "000000.npy");
        Touch(flat, "color/000000.npy");
        Assert.Equal(0, PredictionLocator.FoldersLeftOut(flat, samples, _ => null));

        var perScene = TestData.NewTempDir("pred");
        Touch(perScene, "scene1/color/000000.npy");
        Assert.Equal(0, PredictionLocator.FoldersLeftOut(perScene, samples, _ => null));
    }

    [Fact]
    public void TheRgbFileItselfIsNotAPrediction()
    {
        // predictions written into the dataset folder: rgb/000000.png is the image, not a 16-bit prediction of it
        var data = TestData.NewTempDir("data");
        var rgb = Touch(data, "rgb/000000.png");
        var samples = new[] { Sample("rgb/000000.png") };
        Assert.Equal(0, PredictionLocator.FoldersLeftOut(data, samples, _ => rgb));
        Assert.Null(PredictionLocator.Find(data, samples[0], rgb));
    }
}
