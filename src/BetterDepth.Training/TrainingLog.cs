using System.Globalization;
using BetterDepth.Evaluation.Drawing;
using BetterDepth.Imaging;

namespace BetterDepth.Training;

/// <summary>
/// train_log.csv of a training run (the refiner's and the prior's), one row per iteration. On resume the rows after
/// the checkpoint's iteration are dropped (they are trained again), so the file always describes one consistent run.
/// </summary>
public sealed class TrainingLog
{
    public const string FileName = "train_log.csv";
    /// <summary>The loss curve a run draws beside its log when it stops or ends.</summary>
    public const string PlotFileName = "loss_curve.png";
    const string Header = "iteration,loss,lr,it_per_s";
    readonly string path;
    readonly List<(int Iteration, double Loss)> points = new();

    TrainingLog(string path) => this.path = path;

    public static TrainingLog Open(string path, int keepUpTo)
    {
        var log = new TrainingLog(path);
        var kept = new List<string> { Header };
        foreach (var (line, point) in Rows(path))
        {
            if (point.Iteration > keepUpTo) continue;
            log.points.Add(point);
            kept.Add(line);
        }
        AtomicFile.Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); foreach (var l in kept) w.WriteLine(l); });
        return log;
    }

    /// <summary>The (iteration, loss) points of a finished or running run's log, read-only (to compare runs).</summary>
    public static IReadOnlyList<(int Iteration, double Loss)> ReadPoints(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: training log not found", path);
        return Rows(path).Select(r => r.Point).ToList();
    }

    static IEnumerable<(string Line, (int Iteration, double Loss) Point)> Rows(string path)
    {
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < 2 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out int it)) continue;
            if (double.TryParse(cells[1], CultureInfo.InvariantCulture, out double loss)) yield return (line, (it, loss));
        }
    }

    public void Append(int iteration, double loss, double lr, double itPerSecond)
    {
        points.Add((iteration, loss));
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{iteration},{loss:G6},{lr:G6},{itPerSecond:F3}\n"));
    }

    public IReadOnlyList<(int Iteration, double Loss)> Points => points;

    public void WritePlot(string pngPath, string title = "TRAINING LOSS") => ImageFile.WritePng(pngPath, LossPlot.Render(points, title));
}

/// <summary>
/// Loss curves on a log scale with labelled decade grid lines. One run: raw values in grey and a running mean in blue.
/// Several runs (to compare an ablation): each run's running mean in its own colour, with a legend.
/// </summary>
public static class LossPlot
{
    static readonly (byte R, byte G, byte B)[] Palette =
        [(30, 90, 200), (220, 60, 40), (40, 160, 70), (150, 70, 190), (230, 140, 20), (20, 170, 180), (120, 120, 120), (200, 60, 150), (110, 80, 40), (0, 0, 0), (160, 160, 40), (90, 150, 255)];

    public static RgbImage Render(IReadOnlyList<(int Iteration, double Loss)> points, string title, int width = 640, int height = 400) =>
        Render([("", points)], title, width, height, rawValues: true);

    public static RgbImage Render(IReadOnlyList<(string Label, IReadOnlyList<(int Iteration, double Loss)> Points)> runs, string title,
        int width = 640, int height = 400, bool rawValues = false)
    {
        var canvas = new Canvas(width, height, (255, 255, 255));
        const int left = 60, right = 15, top = 25, bottom = 35;
        int plotW = width - left - right, plotH = height - top - bottom;
        canvas.Text(title, left, 8, (0, 0, 0));
        var series = runs.Select(r => (r.Label, Points: r.Points.Where(p => p.Loss > 0 && double.IsFinite(p.Loss)).ToList())).Where(r => r.Points.Count >= 2).ToList();
        if (series.Count == 0) { canvas.Text("NOT ENOUGH POINTS", left, top + plotH / 2, (0, 0, 0)); return canvas.Image; }

        var all = series.SelectMany(r => r.Points).ToList();
        double lo = Math.Floor(Math.Log10(all.Min(p => p.Loss))), hi = Math.Ceiling(Math.Log10(all.Max(p => p.Loss)));
        if (hi <= lo) hi = lo + 1;
        int first = all.Min(p => p.Iteration), last = all.Max(p => p.Iteration);
        int X(int it) => left + (int)Math.Round((double)(it - first) / Math.Max(1, last - first) * (plotW - 1));
        int Y(double loss) => top + (int)Math.Round((hi - Math.Log10(loss)) / (hi - lo) * (plotH - 1));

        for (double d = lo; d <= hi; d++)
        {
            int y = Y(Math.Pow(10, d));
            canvas.Line(left, y, left + plotW - 1, y, (225, 225, 225));
            canvas.Text($"1E{d:0}", 8, y - 3, (80, 80, 80));
        }
        canvas.Line(left, top, left, top + plotH - 1, (0, 0, 0));
        canvas.Line(left, top + plotH - 1, left + plotW - 1, top + plotH - 1, (0, 0, 0));
        canvas.Text(first.ToString(CultureInfo.InvariantCulture), left, top + plotH + 6, (80, 80, 80));
        var lastLabel = last.ToString(CultureInfo.InvariantCulture);
        canvas.Text(lastLabel, left + plotW - BitmapFont.MeasureWidth(lastLabel), top + plotH + 6, (80, 80, 80));
        canvas.Text("ITERATION", left + plotW / 2 - 27, top + plotH + 20, (0, 0, 0));

        for (int s = 0; s < series.Count; s++)
        {
            var points = series[s].Points;
            var colour = Palette[s % Palette.Length];
            if (rawValues)
                for (int i = 1; i < points.Count; i++)
                    canvas.Line(X(points[i - 1].Iteration), Y(points[i - 1].Loss), X(points[i].Iteration), Y(points[i].Loss), (190, 190, 190));
            int window = Math.Max(1, points.Count / 50);
            (int, int)? previous = null;
            for (int i = 0; i < points.Count; i += Math.Max(1, window / 2))
            {
                var span = points.Skip(Math.Max(0, i - window)).Take(2 * window + 1).ToList();
                var point = (X(points[i].Iteration), Y(span.Average(p => p.Loss)));
                if (previous is { } p) canvas.Line(p.Item1, p.Item2, point.Item1, point.Item2, colour);
                previous = point;
            }
            if (series[s].Label.Length > 0)
            {
                int ly = top + 6 + s * 11;
                canvas.FillRect(left + plotW - 150, ly + 2, 10, 3, colour);
                canvas.Text(series[s].Label, left + plotW - 136, ly, (0, 0, 0));
            }
        }
        return canvas.Image;
    }
}
