using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Tests.Evaluation;

public class SplitFileTests
{
    [Fact]
    public void ReadsColumnsAndSkipsBlankLines()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "split.txt");
        FakeFiles.Text(path, "a/rgb_1.png a/depth_1.png a/filled_1.png", "", "   ", "b/rgb_2.png\tb/depth_2.png");
        var lines = SplitFile.Read(path, 2);
        Assert.Equal(2, lines.Count);
        Assert.Equal(["a/rgb_1.png", "a/depth_1.png", "a/filled_1.png"], lines[0].Columns);
        Assert.Equal(4, lines[1].LineNumber);
    }

    [Fact]
    public void ShortLineNamesFileAndLine()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "split.txt");
        FakeFiles.Text(path, "a.png a.npy a_mask.npy", "b.png b.npy");
        var e = Assert.Throws<InvalidFileException>(() => SplitFile.Read(path, 3));
        Assert.Contains("line 2", e.Message);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void KittiLinesWithoutGroundTruthAreSkippedAndCounted()
    {
        var dir = TestData.NewTempDir();
        var split = Path.Combine(dir, "eigen_test_files_with_gt.txt");
        FakeFiles.Text(split,
            "2011_09_26/d/image_02/data/0000000069.png d/proj_depth/groundtruth/image_02/0000000069.png 721.5377",
            "2011_09_26/d/image_02/data/0000000075.png None 721.5377",
            "2011_09_26/d/image_02/data/0000000080.png d/proj_depth/groundtruth/image_02/0000000080.png 721.5377");
        // The default split is found by Marigold's file name in the data folder.
        var dataset = EvaluationDataset.Open("kitti", dir);
        Assert.Equal(split, dataset.SplitFile);
        Assert.Equal(2, dataset.Samples.Count);
        Assert.Equal(1, dataset.LinesWithoutGroundTruth);
        Assert.Equal("2011_09_26/d/image_02/data/0000000080.png", dataset.Samples[1].Id);
        Assert.Equal(Path.Combine(dir, "d/proj_depth/groundtruth/image_02/0000000080.png"), dataset.Samples[1].GroundTruthFiles[0]);
        Assert.Equal("2011_09_26/d/image_02/data/pred_0000000080.npy", dataset.Samples[1].MarigoldPredictionPath);
    }

    [Fact]
    public void DiodeNeedsTheMaskColumnAndListsItAsGroundTruth()
    {
        var dir = TestData.NewTempDir();
        var split = Path.Combine(dir, "data_split/diode_depth/diode_val_all_filename_list.txt");
        FakeFiles.Text(split, "indoors/s/a.png indoors/s/a_depth.npy indoors/s/a_depth_mask.npy");
        var dataset = EvaluationDataset.Open("diode", dir);
        Assert.Equal(2, dataset.Samples[0].GroundTruthFiles.Count);
        FakeFiles.Text(split, "indoors/s/a.png indoors/s/a_depth.npy");
        Assert.Throws<InvalidFileException>(() => EvaluationDataset.Open("diode", dir));
    }

    [Fact]
    public void MissingDefaultSplitSaysWhatToPass()
    {
        var dir = TestData.NewTempDir();
        var e = Assert.Throws<FileNotFoundException>(() => EvaluationDataset.Open("nyu", dir));
        Assert.Contains("filename_list_test.txt", e.Message);
        Assert.Contains("--split", e.Message);
        Assert.Throws<ArgumentException>(() => EvaluationDataset.Open("nyu2", dir));
        Assert.Throws<ArgumentException>(() => EvaluationDataset.Open("nyu", null));
        Assert.Throws<DirectoryNotFoundException>(() => EvaluationDataset.Open("nyu", Path.Combine(dir, "absent")));
    }

    [Fact]
    public void ProtocolsCarryMarigoldsRangesAndNames()
    {
        Assert.Equal(new DepthRange(1e-3, 10), MarigoldProtocols.Nyu.Range);
        Assert.Equal(new DepthRange(1e-5, 80), MarigoldProtocols.Kitti.Range);
        Assert.Equal(new DepthRange(1e-5, double.PositiveInfinity), MarigoldProtocols.Eth3d().Range);
        Assert.Equal(new DepthRange(0.6, 350), MarigoldProtocols.Diode.Range);
        Assert.Equal("pred_0001", MarigoldProtocols.Nyu.MarigoldPredictionName!("rgb_0001"));
        Assert.False(new DepthRange(1e-3, 10).Contains(10f));
        Assert.False(new DepthRange(1e-3, 10).Contains(1e-3f));
        Assert.True(new DepthRange(1e-3, 10).Contains(9.99f));
    }
}
