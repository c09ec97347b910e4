using System.Text.Json;
using BetterDepth.Evaluation;

namespace BetterDepth.Tests.Evaluation;

public class EvaluationReportTests
{
    static EvaluationReport Report() => new("mine", "/data", "/data/test.txt", "/pred", AlignmentMode.LeastSquareDisparity, PredictionContent.Disparity, true,
        [
            new SampleResult("a,b.png", "/pred/a,b.npy", 10, new MetricValues(("abs_rel", 0.1), ("dbe_acc", double.NaN))),
            new SampleResult("c.png", "/pred/c.npy", 20, new MetricValues(("abs_rel", 0.3), ("dbe_acc", 2.0))),
        ],
        [new SkippedSample("d.png", "/pred/d.npy", SkipReason.MissingPrediction, "prediction not found")], 3, TimeSpan.FromSeconds(2));

    [Fact]
    public void MeansSkipUndefinedValuesPerMetric()
    {
        var report = Report();
        Assert.Equal(0.2, report.Means["abs_rel"], 12);
        Assert.Equal(2.0, report.Means["dbe_acc"]); // NaN (no GT edge) left out, as iBims-1's nanmean
        Assert.Equal(1.5, report.SamplesPerSecond);
    }

    [Fact]
    public void CsvQuotesFieldsAndJsonHasCountsAndSkips()
    {
        var dir = TestData.NewTempDir();
        var report = Report();
        report.CommandLine = "betterdepth eval --dataset mine.json";
        report.WriteCsv(Path.Combine(dir, "s.csv"));
        report.WriteJson(Path.Combine(dir, "s.json"));
        var csv = File.ReadAllLines(Path.Combine(dir, "s.csv"));
        Assert.Equal(["id,prediction,valid_pixels,abs_rel,dbe_acc", "\"a,b.png\",\"/pred/a,b.npy\",10,0.1,NaN", "c.png,/pred/c.npy,20,0.3,2"], csv);

        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "s.json"))).RootElement;
        Assert.Equal("least_square_disparity", json.GetProperty("alignment").GetString());
        Assert.Equal(2, json.GetProperty("count_evaluated").GetInt32());
        Assert.Equal(1, json.GetProperty("count_missing").GetInt32());
        Assert.Equal(3, json.GetProperty("split_lines_without_ground_truth").GetInt32());
        Assert.Equal("missing_prediction", json.GetProperty("skipped")[0].GetProperty("reason").GetString());
        Assert.Equal("betterdepth eval --dataset mine.json", json.GetProperty("command_line").GetString());
        Assert.Equal(2.0, json.GetProperty("elapsed_seconds").GetDouble());
        var errors = json.GetProperty("metrics_standard_error");
        Assert.Equal(0.1, errors.GetProperty("abs_rel").GetDouble(), 12); // sd of 0.1 and 0.3 over sqrt(2)
        Assert.Equal(JsonValueKind.Null, errors.GetProperty("dbe_acc").ValueKind); // one defined value: no spread
    }
}
