using BetterDepth.Cli.Commands;
using BetterDepth.Evaluation;
using Spectre.Console;

namespace BetterDepth.Tests.Cli;

public class DemoTableTests
{
    static MetricValues Means(double v) => new(new[]
    {
        DepthMetrics.AbsRel, DepthMetrics.Delta1, DetailMetrics.DbeAccuracy, DetailMetrics.DbeCompleteness, DetailMetrics.EdgePrecision, DetailMetrics.EdgeRecall,
    }.Select(k => KeyValuePair.Create(k, v)));

    [Fact]
    public void TheTableFitsEightyColumnsWithAnArrowPerMetric()
    {
        var shown = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(shown), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        // the widest values: 100% and three-digit pixel distances
        console.Write(DemoCommand.Table(100, Means(1.0), Means(123.45)));
        var lines = shown.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        // title, three rules, header, two rows, caption: nothing folded onto a second line
        Assert.Equal(8, lines.Count);
        var header = lines[2];
        foreach (var label in new[] { "AbsRel%↓", "δ1%↑", "DBE acc↓", "DBE comp↓", "edge P%↑", "edge R%↑" }) Assert.Contains(label, header);
        Assert.Contains(lines, l => l.Contains("prior") && l.Contains("100.00"));
        Assert.Contains(lines, l => l.Contains("refined") && l.Contains("123.45"));
        Assert.Contains("↓ lower is better, ↑ higher is better", lines[^1]);
    }
}
