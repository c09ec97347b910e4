using System.Globalization;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Drawing;

namespace BetterDepth.Training;

/// <summary>
/// RUN/train_log.csv, one row per iteration. On resume the rows after the checkpoint's iteration are
/// dropped (they are trained again), so the file always describes one consistent run.
/// </summary>
public sealed class TrainingLog
{
    const string Header = "iteration,loss,lr,it_per_s";
    readonly string path;
    readonly List<(int Iteration, double Loss)> points = new();

    TrainingLog(string path) => this.path = path;

    public static TrainingLog Open(string path, int keepUpTo)
    {
        var log = new TrainingLog(path);
        var kept = new List<string> { Header };
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var cells = line.Split(',');
                if (cells.Length < 2 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out int it) || it > keepUpTo) continue;
                if (double.TryParse(cells[1], CultureInfo.InvariantCulture, out double loss)) log.points.Add((it, loss));
                kept.Add(line);
            }
        AtomicFile.Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); foreach (var l in kept) w.WriteLine(l); });
        return log;
    }

    public void Append(int iteration, double loss, double lr, double itPerSecond)
    {
        points.Add((iteration, loss));
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{iteration},{loss:G6},{lr:G6},{itPerSecond:F3}\n"));
    }

    public IReadOnlyList<(int Iteration, double Loss)> Points => points;

    public void WritePlot(string pngPath, string title = "TRAINING LOSS") => ImageFile.WritePng(pngPath, LossPlot.Render(points, title));
}

/// <summary>A loss curve on a log scale: raw values in grey, a running mean in blue, decade grid lines labelled.</summary>
public static class LossPlot
{
    public static RgbImage Render(IReadOnlyList<(int Iteration, double Loss)> points, string title, int width = 640, int height = 400)
    {
        var canvas = new Canvas(width, height, (255, 255, 255));
        const int left = 60, right = 15, top = 25, bottom = 35;
        int plotW = width - left - right, plotH = height - top - bottom;
        canvas.Text(title, left, 8, (0, 0, 0));
        var finite = points.Where(p => p.Loss > 0 && double.IsFinite(p.Loss)).ToList();
        if (finite.Count < 2) { canvas.Text("NOT ENOUGH POINTS", left, top + plotH / 2, (0, 0, 0)); return canvas.Image; }

        double lo = Math.Floor(Math.Log10(finite.Min(p => p.Loss))), hi = Math.Ceiling(Math.Log10(finite.Max(p => p.Loss)));
        if (hi <= lo) hi = lo + 1;
        int first = finite[0].Iteration, last = finite[^1].Iteration;
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

        for (int i = 1; i < finite.Count; i++)
            canvas.Line(X(finite[i - 1].Iteration), Y(finite[i - 1].Loss), X(finite[i].Iteration), Y(finite[i].Loss), (190, 190, 190));
        int window = Math.Max(1, finite.Count / 50);
        (int, int)? previous = null;
        for (int i = 0; i < finite.Count; i += Math.Max(1, window / 2))
        {
            var span = finite.Skip(Math.Max(0, i - window)).Take(2 * window + 1).ToList();
            var point = (X(finite[i].Iteration), Y(span.Average(p => p.Loss)));
            if (previous is { } p) canvas.Line(p.Item1, p.Item2, point.Item1, point.Item2, (30, 90, 200));
            previous = point;
        }
        return canvas.Image;
    }
}
