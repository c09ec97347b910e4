using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Tests.Evaluation;

public class MiddleburyCalibrationTests
{
    [Fact]
    public void ReadsTheRealMotorcycleCalibration()
    {
        var c = MiddleburyCalibration.Read(TestData.Real("middlebury2014-motorcycle", "calib.txt"));
        Assert.Equal(999.421, c.FocalLength);
        Assert.Equal(193.001, c.Baseline);
        Assert.Equal(32.778, c.Doffs);
        // 193.001 mm * 999.421 px / (40 + 32.778) px = 2650.4 mm
        Assert.Equal(193.001 * 999.421 / 72.778 / 1000, c.DepthMetres(40), 12);
    }

    [Fact]
    public void MissingEntriesAreNamed()
    {
        var path = Path.Combine(TestData.NewTempDir(), "calib.txt");
        FakeFiles.Text(path, "cam0=[999.421 0 294.182; 0 999.421 252.932; 0 0 1]", "doffs=32.778");
        Assert.Contains("baseline", Assert.Throws<InvalidFileException>(() => MiddleburyCalibration.Read(path)).Message);
        FakeFiles.Text(path, "cam0=[999.421 0 294.182]", "doffs=32.778", "baseline=1");
        Assert.Contains("3x3", Assert.Throws<InvalidFileException>(() => MiddleburyCalibration.Read(path)).Message);
        FakeFiles.Text(path, "cam0=[x 0 294.182; 0 999.421 252.932; 0 0 1]", "doffs=32.778", "baseline=1");
        Assert.Contains("not a number", Assert.Throws<InvalidFileException>(() => MiddleburyCalibration.Read(path)).Message);
    }
}
