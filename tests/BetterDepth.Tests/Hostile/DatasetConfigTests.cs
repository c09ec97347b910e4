using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;
using BetterDepth.Training;

namespace BetterDepth.Tests.Hostile;

/// <summary>Dataset descriptions and training configs that crashed with NullReferenceException or an index overflow (issue 15).</summary>
public class DatasetConfigTests
{
    static string Write(string name, string text)
    {
        var path = Path.Combine(TestData.NewTempDir("dataset-hostile"), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("""{"split": "split.txt", "depth": {"encoding": null}}""")]
    [InlineData("""{"split": "split.txt", "depth": {"encoding": "png16"}, "mask_column": 2147483647}""")]
    [InlineData("""{"split": "split.txt", "depth": {"encoding": "png16"}, "split": "other.txt"}""")]
    public void BadDatasetDescriptionsAreRefused(string json)
    {
        var path = Write("dataset.json", json);
        Refused.By(() => DatasetDescription.Load(path), path);
    }

    [Fact]
    public void TheRequiredColumnCountCannotWrapAround() =>
        Assert.Equal(int.MaxValue, (new DatasetProtocol("x", new DepthEncoding(DepthEncodingKind.Png16, 1, 0, 0), new DepthRange(0.1, 10)) { MaskColumn = int.MaxValue }).MinColumns);

    [Theory]
    [InlineData("""{"datasets": null}""")]
    [InlineData("""{"datasets": [null]}""")]
    [InlineData("""{"datasets": [{"dataset": "d.json"}], "conditioning": null}""")]
    public void TrainingConfigsWithNullAreRefused(string json)
    {
        var path = Write("train.json", json);
        Refused.By(() => RefinerTrainingConfig.Load(path), path);
    }
}
