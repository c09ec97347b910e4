using BetterDepth.Evaluation;
using BetterDepth.Evaluation.Datasets;

namespace BetterDepth.Tests.Evaluation;

/// <summary>Each benchmark's ground truth: decoding, range, crops and masks, checked by exact pixel counts.</summary>
public class GroundTruthTests
{
    [Fact]
    public void NyuIsMillimetresWithTheEigenRegionOnTheFullFrame()
    {
        var fake = FakeBenchmarks.Nyu();
        var gt = EvaluationDataset.Open("nyu", fake.Dir).Samples[0].LoadGroundTruth();
        Assert.Equal((640, 480), (gt.Depth.Width, gt.Depth.Height));
        Assert.Equal(DepthKind.Depth, gt.Depth.Kind);
        Assert.Equal(MathF.Round(FakeBenchmarks.Depth(300, 200, 0) * 1000) / 1000, gt.Depth[300, 200], 6);
        // Eigen region 426 x 560, minus the hole column x = 100 inside it.
        Assert.Equal(426 * 560 - 426, gt.ValidCount);
        Assert.False(gt.Valid[100 * 640 + 40]);
        Assert.Null(gt.Crop);
    }

    [Fact]
    public void KittiIsCroppedToTheBenchmarkFrameThenMaskedByTheEigenRegion()
    {
        var fake = FakeBenchmarks.Kitti();
        var dataset = EvaluationDataset.Open("kitti", fake.Dir);
        var gt = dataset.Samples[0].LoadGroundTruth();
        Assert.Equal((1216, 352), (gt.Depth.Width, gt.Depth.Height));
        Assert.Equal(new FrameCrop(new CropBox(13, 23, 1216, 352), 1242, 375), gt.Crop);
        // Sparse GT at (x + y) % 3 == 0 in recorded coordinates, inside rows 117..320, columns 43..1171 of the crop.
        var expected = 0;
        for (var y = 117; y < 321; y++)
            for (var x = 43; x < 1172; x++)
                if ((x + 13 + y + 23) % 3 == 0) expected++;
        Assert.Equal(expected, gt.ValidCount);
        Assert.Equal(MathF.Round(FakeBenchmarks.Depth(13 + 50, 23 + 202, 0) * 256) / 256, gt.Depth[50, 202], 5);
        Assert.Equal(0f, gt.Depth[50, 200]);
    }

    [Fact]
    public void Eth3dIsRawFloat32WithInfinityInvalid()
    {
        var fake = FakeBenchmarks.Eth3d(12, 8);
        var dataset = new SplitDataset(MarigoldProtocols.Eth3d(12, 8), fake.Dir, Path.Combine(fake.Dir, "eth3d_filename_list.txt"));
        var gt = dataset.Samples[0].LoadGroundTruth();
        Assert.Equal(12 * 7, gt.ValidCount);
        Assert.All(Enumerable.Range(0, 12), x => Assert.False(gt.Valid[x]));
        Assert.Equal(FakeBenchmarks.Depth(5, 3, 0), gt.Depth[5, 3]);

        // The archive's real size is fixed: a file of another size is rejected by name.
        var wrongSize = EvaluationDataset.Open("eth3d", fake.Dir);
        var e = Assert.Throws<InvalidFileException>(() => wrongSize.Samples[0].LoadGroundTruth());
        Assert.Contains("DSC_0000.JPG", e.FilePath);
    }

    [Fact]
    public void ScanNetExcludesDepthBeyondTenMetres()
    {
        var fake = FakeBenchmarks.ScanNet(16, 12);
        var gt = EvaluationDataset.Open("scannet", fake.Dir).Samples[0].LoadGroundTruth();
        Assert.Equal(16 * 12 - 1, gt.ValidCount);
        Assert.Equal(12f, gt.Depth[0, 0]);
        Assert.False(gt.Valid[0]);
    }

    [Fact]
    public void DiodeValidityIsTheMaskFileAlone()
    {
        var fake = FakeBenchmarks.Diode(16, 12);
        var gt = EvaluationDataset.Open("diode", fake.Dir).Samples[0].LoadGroundTruth();
        Assert.Equal(16 * 12 - 12, gt.ValidCount);
        Assert.True(gt.Valid[16 + 1]); // 0.5 m, below DIODE's 0.6 m, but the mask says valid (Marigold's loader)
        Assert.Equal(0.5f, gt.Depth[1, 1]);
    }

    [Fact]
    public void UserDatasetAppliesCropAndMaskColumn()
    {
        var fake = FakeBenchmarks.User(10, 6);
        var gt = EvaluationDataset.Open(Path.Combine(fake.Dir, "dataset.json"), null).Samples[0].LoadGroundTruth();
        Assert.Equal((10, 6), (gt.Depth.Width, gt.Depth.Height));
        Assert.Equal(5 * 10 - 5, gt.ValidCount); // top row cropped, mask column x = 8 zero
        Assert.False(gt.Valid[3]);
        Assert.False(gt.Valid[2 * 10 + 8]);
    }

    [Fact]
    public void MiddleburyDepthComesFromDisparityAndCalibration()
    {
        var dir = TestData.NewTempDir("mb");
        var scene = Path.Combine(dir, "Motorcycle");
        Directory.CreateDirectory(scene);
        foreach (var f in new[] { "im0.png", "disp0GT.pfm", "calib.txt" })
            File.Copy(TestData.Real("middlebury2014-motorcycle", f), Path.Combine(scene, f));
        var dataset = EvaluationDataset.Open("middlebury", dir);
        Assert.True(dataset.DetailMetricsByDefault);
        Assert.Null(dataset.SplitFile);
        var sample = Assert.Single(dataset.Samples);
        Assert.Equal("Motorcycle/im0.png", sample.RgbPath);
        var gt = sample.LoadGroundTruth();

        var (width, height, disparity) = ReadPfmByHand(Path.Combine(scene, "disp0GT.pfm"));
        Assert.Equal((width, height), (gt.Depth.Width, gt.Depth.Height));
        Assert.Equal(disparity.Count(d => float.IsFinite(d) && d > 0), gt.ValidCount);
        Assert.True(gt.ValidCount < width * height);
        var i = Array.FindIndex(disparity, d => float.IsFinite(d) && d > 0);
        Assert.Equal(193.001 * 999.421 / (disparity[i] + 32.778) / 1000, gt.Depth.Values[i], 4);

        // A split file names scenes (or files inside them).
        FakeFiles.Text(Path.Combine(dir, "split.txt"), "Motorcycle/im0.png");
        Assert.Equal("Motorcycle", Assert.Single(EvaluationDataset.Open("middlebury", dir, Path.Combine(dir, "split.txt")).Samples).Id);
    }

    /// <summary>PFM read independently of the library: header "Pf", size, scale (negative = little-endian), rows bottom to top.</summary>
    static (int Width, int Height, float[] Values) ReadPfmByHand(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[offset])) offset++;
            var start = offset;
            while (!char.IsWhiteSpace((char)bytes[offset])) offset++;
            return System.Text.Encoding.ASCII.GetString(bytes, start, offset - start);
        }
        Assert.Equal("Pf", Token());
        int w = int.Parse(Token()), h = int.Parse(Token());
        Assert.True(double.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture) < 0);
        offset++;
        var values = new float[w * h];
        for (var row = 0; row < h; row++)
            for (var x = 0; x < w; x++)
                values[(h - 1 - row) * w + x] = BitConverter.ToSingle(bytes, offset + 4 * (row * w + x));
        return (w, h, values);
    }
}
