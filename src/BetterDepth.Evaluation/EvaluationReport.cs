using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BetterDepth.Evaluation;

/// <summary>
/// The outcome of a run: per-sample metrics, the samples that could not be scored and why, and the mean of
/// every metric over the scored samples (each image weighs the same, as in Marigold's MetricTracker).
/// </summary>
public sealed class EvaluationReport(
    string dataset, string dataDir, string? splitFile, string predictionsDir, AlignmentMode alignment, PredictionContent predictionsAre,
    bool detailMetrics, IReadOnlyList<SampleResult> samples, IReadOnlyList<SkippedSample> skipped, int linesWithoutGroundTruth, TimeSpan elapsed)
{
    public string Dataset { get; } = dataset;
    public string DataDir { get; } = dataDir;
    public string? SplitFile { get; } = splitFile;
    public string PredictionsDir { get; } = predictionsDir;
    public AlignmentMode Alignment { get; } = alignment;
    public PredictionContent PredictionsAre { get; } = predictionsAre;
    public bool DetailMetrics { get; } = detailMetrics;
    public IReadOnlyList<SampleResult> Samples { get; } = samples;
    public IReadOnlyList<SkippedSample> Skipped { get; } = skipped;
    public int LinesWithoutGroundTruth { get; } = linesWithoutGroundTruth;
    public TimeSpan Elapsed { get; } = elapsed;
    /// <summary>These predictions against another set on the same images, when one was given (in the JSON summary as "baseline").</summary>
    public PairedComparison? Baseline { get; set; }
    /// <summary>The command that produced the report, recorded in the JSON summary.</summary>
    public string? CommandLine { get; set; }

    public int EvaluatedCount => Samples.Count;
    public int MissingCount => Skipped.Count(s => s.Reason == SkipReason.MissingPrediction);
    public int UnreadableCount => Skipped.Count(s => s.Reason == SkipReason.UnreadablePrediction);
    public int NoValidPixelsCount => Skipped.Count(s => s.Reason == SkipReason.NoValidPixels);
    public double SamplesPerSecond => Elapsed.TotalSeconds > 0 ? (Samples.Count + Skipped.Count) / Elapsed.TotalSeconds : 0;

    /// <summary>Metric names in column order (those of the first sample; every sample has the same).</summary>
    public IReadOnlyList<string> MetricNames { get; } = samples.Count == 0 ? [] : samples[0].Metrics.Select(m => m.Key).ToList();

    /// <summary>Mean of each metric over the evaluated samples (a NaN sample value is left out of its mean); empty when none was evaluated.</summary>
    public MetricValues Means => means ??= Accumulated.Mean();
    MetricValues? means;

    /// <summary>Standard error of each mean over the evaluated samples (NaN with fewer than two).</summary>
    public MetricValues StandardErrors => standardErrors ??= Accumulated.StandardError();
    MetricValues? standardErrors;

    MetricAccumulator Accumulated => accumulated ??= Accumulate();
    MetricAccumulator? accumulated;

    MetricAccumulator Accumulate()
    {
        var accumulator = new MetricAccumulator();
        foreach (var sample in Samples) accumulator.Add(sample.Metrics);
        return accumulator;
    }

    /// <summary>One row per evaluated sample: id, prediction file, valid pixel count, every metric.</summary>
    public void WriteCsv(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: -1, leaveOpen: true); // AtomicFile flushes and closes it
        writer.WriteLine(string.Join(",", ["id", "prediction", "valid_pixels", .. MetricNames]));
        foreach (var sample in Samples)
        {
            writer.WriteLine(string.Join(",", [Csv(sample.Id), Csv(sample.PredictionPath), sample.ValidPixels.ToString(CultureInfo.InvariantCulture),
                .. MetricNames.Select(n => sample.Metrics.TryGetValue(n, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")]));
        }
    });

    static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    /// <summary>The summary: what was evaluated how, the counts, the mean metrics and their standard errors, the skipped samples and the timing.</summary>
    public void WriteJson(string path) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("dataset", Dataset);
        json.WriteString("data_dir", DataDir);
        json.WriteString("split", SplitFile);
        json.WriteString("predictions", PredictionsDir);
        json.WriteString("predictions_are", PredictionsAre == PredictionContent.Disparity ? "disparity" : "depth");
        json.WriteString("alignment", AlignmentNames.ToName(Alignment));
        json.WriteBoolean("detail_metrics", DetailMetrics);
        json.WriteNumber("count_evaluated", EvaluatedCount);
        json.WriteNumber("count_missing", MissingCount);
        json.WriteNumber("count_unreadable", UnreadableCount);
        json.WriteNumber("count_no_valid_pixels", NoValidPixelsCount);
        json.WriteNumber("split_lines_without_ground_truth", LinesWithoutGroundTruth);
        WriteMetrics(json, "metrics", Means);
        WriteMetrics(json, "metrics_standard_error", StandardErrors);
        if (Baseline is { } baseline)
        {
            json.WriteStartObject("baseline");
            json.WriteString("predictions", baseline.BaselinePredictionsDir);
            json.WriteNumber("count_paired", baseline.PairedCount);
            WriteMetrics(json, "metrics", baseline.BaselineMeans);
            WriteMetrics(json, "difference", baseline.Differences);
            WriteMetrics(json, "difference_standard_error", baseline.DifferenceStandardErrors);
            json.WriteEndObject();
        }
        json.WriteStartArray("skipped");
        foreach (var s in Skipped)
        {
            json.WriteStartObject();
            json.WriteString("id", s.Id);
            json.WriteString("path", s.Path);
            json.WriteString("reason", JsonNamingPolicy.SnakeCaseLower.ConvertName(s.Reason.ToString()));
            json.WriteString("message", s.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("command_line", CommandLine);
        json.WriteNumber("elapsed_seconds", Math.Round(Elapsed.TotalSeconds, 3));
        WriteNumber(json, "samples_per_second", SamplesPerSecond);
        json.WriteEndObject();
    });

    static void WriteMetrics(Utf8JsonWriter json, string name, MetricValues values)
    {
        json.WriteStartObject(name);
        foreach (var (metric, value) in values) WriteNumber(json, metric, value);
        json.WriteEndObject();
    }

    /// <summary>JSON has no NaN or infinity: such a mean (a metric undefined on some sample) is written as null.</summary>
    static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}
