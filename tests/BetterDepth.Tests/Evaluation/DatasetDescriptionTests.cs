using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Tests.Evaluation;

public class DatasetDescriptionTests
{
    static string Write(string json)
    {
        var path = Path.Combine(TestData.NewTempDir(), "dataset.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void ReadsTheContractFields()
    {
        var path = Write("""
            { "name": "synthetic", "split": "test.txt",
              "depth": { "encoding": "png16", "metres_per_unit": 0.001, "width": 0, "height": 0 },
              "min_depth": 0.001, "max_depth": 80.0,
              "crop": { "top": 1, "bottom": 2, "left": 3, "right": 4 },
              "mask_column": 2 }
            """);
        var d = DatasetDescription.Load(path);
        var protocol = d.ToProtocol(path);
        Assert.Equal("synthetic", protocol.Name);
        Assert.Equal(DepthEncoding.Png16(0.001), protocol.Encoding);
        Assert.Equal(new DepthRange(0.001, 80), protocol.Range);
        Assert.Equal(2, protocol.MaskColumn);
        Assert.Equal(3, protocol.MinColumns);
        Assert.Equal(new CropBox(3, 1, 20 - 7, 10 - 3), protocol.EvaluationRegion!(20, 10));
    }

    [Theory]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "jpeg" } }""", "jpeg")]
    [InlineData("""{ "split": "t.txt" }""", "depth")]
    [InlineData("""{ "depth": { "encoding": "npy" } }""", "split")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "raw_float32" } }""", "width")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "npy", "metres_per_unit": 0 } }""", "metres_per_unit")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "npy" }, "min_depth": 5, "max_depth": 1 }""", "min_depth")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "npy" }, "mask_column": 1 }""", "mask_column")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "npy" }, "crop": { "top": -1 } }""", "crop")]
    [InlineData("""{ "split": "t.txt", "depth": { "encoding": "npy" }, "scale": 2 }""", "scale")]
    [InlineData("""{ "split": "t.txt", "depth": """, "not a dataset description")]
    public void BadDescriptionsNameTheFileAndTheProblem(string json, string problem)
    {
        var path = Write(json);
        var e = Assert.Throws<InvalidFileException>(() => DatasetDescription.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void DataFolderDefaultsToTheJsonFolder()
    {
        var path = Write("""{ "split": "test.txt", "depth": { "encoding": "npy" } }""");
        var dir = Path.GetDirectoryName(path)!;
        FakeFiles.Text(Path.Combine(dir, "test.txt"), "rgb/000000.png depth/000000.npy");
        var dataset = EvaluationDataset.Open(path, null);
        Assert.Equal("dataset", dataset.Name);
        Assert.Equal(dir, dataset.DataDir);
        Assert.Equal(Path.Combine(dir, "depth/000000.npy"), dataset.Samples[0].GroundTruthFiles[0]);
        Assert.Null(dataset.Samples[0].MarigoldPredictionPath);
    }
}
