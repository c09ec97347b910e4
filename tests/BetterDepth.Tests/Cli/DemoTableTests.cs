using BetterDepth.Cli.Commands;
using BetterDepth.Evaluation;
using Spectre.Console;

namespace BetterDepth.Tests.Cli;

public class DemoTableTests
{
    /// <summary>Every fraction (AbsRel, delta1, edge precision and recall) at <paramref name="fraction"/>, both boundary errors at <paramref name="pixels"/>.</summary>
    static MetricValues Values(double fraction, double pixels) => new(
    [
        KeyValuePair.Create(DepthMetrics.AbsRel, fraction), KeyValuePair.Create(DepthMetrics.Delta1, fraction),
        KeyValuePair.Create(DetailMetrics.DbeAccuracy, pixels), KeyValuePair.Create(DetailMetrics.DbeCompleteness, pixels),
        KeyValuePair.Create(DetailMetrics.EdgePrecision, fraction), KeyValuePair.Create(DetailMetrics.EdgeRecall, fraction),
    ]);

    static EvaluationReport Report(string dir, MetricValues first, MetricValues second) =>
        new("synthetic", "/data", null, dir, AlignmentMode.LeastSquareDisparity, PredictionContent.Disparity, true,
            [new SampleResult("a.png", dir + "/a.npy", 10, first), new SampleResult("b.png", dir + "/b.npy", 10, second)],
            [], 0, TimeSpan.FromSeconds(1));

    [Fact]
    public void TheTableFitsEightyColumnsWithAnArrowPerMetric()
    {
        var shown = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(shown), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        // the widest values: 100%, three-digit pixel distances, changes of -100% and three-digit pixels
        console.Write(DemoCommand.Table(PairedComparison.Of(Report("/refined", Values(0, 123.45), Values(0, 121.45)), Report("/prior", Values(1, 1), Values(1, 1)))));
        var lines = shown.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        // title, three rules, header, four rows, caption: nothing folded onto a second line
        Assert.Equal(10, lines.Count);
        var header = lines[2];
        foreach (var label in new[] { "AbsRel%↓", "δ1%↑", "DBE acc↓", "DBE comp↓", "edge P%↑", "edge R%↑" }) Assert.Contains(label, header);
        Assert.Contains(lines, l => l.Contains("prior") && l.Contains("100.00") && l.Contains(" 1.00"));
        Assert.Contains(lines, l => l.Contains("refined") && l.Contains(" 0.00") && l.Contains("122.45"));
        Assert.Contains(lines, l => l.Contains("change") && l.Contains("-100.00") && l.Contains("+121.45"));
        // the pixel differences 122.45 and 120.45: standard deviation sqrt(2), over sqrt(2) scenes; the fractions' are equal
        Assert.Contains(lines, l => l.Contains("± s.e.") && l.Contains(" 1.00") && l.Contains(" 0.00"));
        Assert.Contains("↓ lower is better, ↑ higher is better", lines[^1]);
    }
}
