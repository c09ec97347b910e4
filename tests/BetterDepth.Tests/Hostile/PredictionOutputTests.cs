using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Hostile;

/// <summary>One image's files are written in parallel; when one fails, the others must not stay behind (issue 15).</summary>
public class PredictionOutputTests
{
    static DepthMap Ramp(int w, int h) => new(w, h, DepthKind.AffineDisparity, Enumerable.Range(0, w * h).Select(i => i / (float)(w * h)).ToArray());

    [Fact]
    public void WhenOneFileOfAnImageFailsItsSiblingsAreRemoved()
    {
        var folder = TestData.NewTempDir("writer");
        Directory.CreateDirectory(Path.Combine(folder, "a_color.png")); // the colour map's target cannot be replaced
        var writer = new PredictionWriter(OutputFormats.Npy | OutputFormats.Png16 | OutputFormats.Color | OutputFormats.Pfm);
        Assert.NotNull(Record.Exception(() => writer.WriteMap(Path.Combine(folder, "a"), RefinementTestModels.Image(8, 6), Ramp(8, 6))));
        Assert.Equal(["a_color.png"], Directory.GetFileSystemEntries(folder).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void AKilledRunsHiddenTempFilesAreRemovedWhenTheFolderIsWrittenAgain()
    {
        var folder = TestData.NewTempDir("writer");
        var stale = Path.Combine(folder, $".a.png.{Refused.DeadPid}-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half a png");
        new PredictionWriter(OutputFormats.Npy).WriteMap(Path.Combine(folder, "a"), RefinementTestModels.Image(8, 6), Ramp(8, 6));
        Assert.Equal(["a.npy"], Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).ToArray());
    }
}
