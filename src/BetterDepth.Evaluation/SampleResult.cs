namespace BetterDepth.Evaluation;

/// <summary>Metrics of one evaluated sample, in the order the metric modules give them.</summary>
public sealed record SampleResult(string Id, string PredictionPath, int ValidPixels, MetricValues Metrics);

public enum SkipReason { MissingPrediction, UnreadablePrediction, NoValidPixels }

/// <summary>A sample that could not be scored, with the file concerned and why.</summary>
public sealed record SkippedSample(string Id, string Path, SkipReason Reason, string Message);
