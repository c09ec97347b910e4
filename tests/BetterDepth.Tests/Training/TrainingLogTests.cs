using BetterDepth.Training;

namespace BetterDepth.Tests.Training;

public class TrainingLogTests
{
    [Fact]
    public void ResumingDropsRowsAfterTheCheckpointAndReadPointsSeesTheRest()
    {
        var path = Path.Combine(TestData.NewTempDir(), "train_log.csv");
        var log = TrainingLog.Open(path, keepUpTo: 0);
        for (int i = 1; i <= 5; i++) log.Append(i, 1.0 / i, 1e-4, 3.0);
        var resumed = TrainingLog.Open(path, keepUpTo: 3);
        Assert.Equal([1, 2, 3], resumed.Points.Select(p => p.Iteration));
        resumed.Append(4, 0.2, 1e-4, 3.0);
        var points = TrainingLog.ReadPoints(path);
        Assert.Equal([1, 2, 3, 4], points.Select(p => p.Iteration));
        Assert.Equal([1.0, 0.5, 1.0 / 3, 0.2], points.Select(p => p.Loss), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Throws<FileNotFoundException>(() => TrainingLog.ReadPoints(path + ".missing"));
    }

    [Fact]
    public void SeveralRunsAreDrawnInTheirOwnColours()
    {
        IReadOnlyList<(int, double)> Curve(double scale) => Enumerable.Range(1, 200).Select(i => (i, scale / i)).ToList();
        var image = LossPlot.Render([("A", Curve(1)), ("B", Curve(0.01))], "T", 400, 300);
        bool Has((byte R, byte G, byte B) c) => Enumerable.Range(0, 400 * 300).Any(i => image.Data[3 * i] == c.R && image.Data[3 * i + 1] == c.G && image.Data[3 * i + 2] == c.B);
        Assert.True(Has((30, 90, 200)) && Has((220, 60, 40)));
        Assert.False(Has((190, 190, 190))); // raw values are drawn for a single run only
        Assert.Contains(LossPlot.Render(Curve(1), "T", 400, 300).Data.Chunk(3), c => c[0] == 190 && c[1] == 190 && c[2] == 190);
    }
}
