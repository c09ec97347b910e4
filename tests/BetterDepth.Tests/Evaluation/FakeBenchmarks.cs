namespace BetterDepth.Tests.Evaluation;

/// <summary>
/// Tiny benchmarks in the layouts of Marigold's preprocessed archives (paths, split files, encodings), with a
/// smooth slanted-plane depth so every value is known: depth(x, y) = 1 + 0.01 x + 0.005 y + 0.1 i metres (under 10 m on 640x480) for sample i.
/// </summary>
public static class FakeBenchmarks
{
    public static float Depth(int x, int y, int sample) => 1f + 0.01f * x + 0.005f * y + 0.1f * sample;

    /// <summary>A folder with the dataset and the relative RGB paths in split order.</summary>
    public sealed record Fake(string Dir, IReadOnlyList<string> RgbPaths, int Width, int Height);

    static float[] Plane(int width, int height, int sample, Func<int, int, bool>? hole = null)
    {
        var values = new float[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                values[y * width + x] = hole?.Invoke(x, y) == true ? 0 : Depth(x, y, sample);
        return values;
    }

    /// <summary>NYU: test/&lt;scene&gt;/rgb_NNNN.png, depth_NNNN.png (mm), filled_NNNN.png; holes (0) in column 100.</summary>
    public static Fake Nyu(int samples = 1, int width = 640, int height = 480)
    {
        var dir = TestData.NewTempDir("nyu");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var n = $"{i + 1:0000}";
            FakeFiles.Rgb(Path.Combine(dir, $"test/kitchen_0004/rgb_{n}.png"), 8, 8);
            var depth = Plane(width, height, i, (x, _) => x == 100);
            FakeFiles.Png16(Path.Combine(dir, $"test/kitchen_0004/depth_{n}.png"), width, height, (x, y) => (ushort)Math.Round(depth[y * width + x] * 1000));
            FakeFiles.Png16(Path.Combine(dir, $"test/kitchen_0004/filled_{n}.png"), width, height, (x, y) => (ushort)Math.Round(Depth(x, y, i) * 1000));
            lines.Add($"test/kitchen_0004/rgb_{n}.png test/kitchen_0004/depth_{n}.png test/kitchen_0004/filled_{n}.png");
        }
        FakeFiles.Text(Path.Combine(dir, "filename_list_test.txt"), [.. lines]);
        return new Fake(dir, lines.Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>KITTI: 1242x375 sparse GT (every third pixel, /256), a "None" line, focal lengths in column 3.</summary>
    public static Fake Kitti(int samples = 1)
    {
        const int width = 1242, height = 375;
        var dir = TestData.NewTempDir("kitti");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var n = $"{i:0000000000}";
            var rgb = $"2011_09_26/2011_09_26_drive_0002_sync/image_02/data/{n}.png";
            var gt = $"2011_09_26_drive_0002_sync/proj_depth/groundtruth/image_02/{n}.png";
            FakeFiles.Rgb(Path.Combine(dir, rgb), 8, 8);
            FakeFiles.Png16(Path.Combine(dir, gt), width, height, (x, y) => (x + y) % 3 == 0 ? (ushort)Math.Round(Depth(x, y, i) * 256) : (ushort)0);
            lines.Add($"{rgb} {gt} 721.5377");
            if (i == 0) lines.Add("2011_09_26/2011_09_26_drive_0002_sync/image_02/data/9999999999.png None 721.5377");
        }
        FakeFiles.Text(Path.Combine(dir, "data_split/kitti_depth/eigen_test_files_with_gt.txt"), [.. lines]);
        return new Fake(dir, lines.Where(l => !l.Contains(" None ")).Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>ETH3D: raw float32 (named .JPG, as in the archive), +inf where there is no depth (row 0).</summary>
    public static Fake Eth3d(int width, int height, int samples = 1)
    {
        var dir = TestData.NewTempDir("eth3d");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var rgb = $"rgb/office/images/dslr_images/DSC_{i:0000}.JPG";
            var gt = $"depth/office_dslr_depth/office/ground_truth_depth/dslr_images/DSC_{i:0000}.JPG";
            FakeFiles.Rgb(Path.Combine(dir, rgb), 8, 8);
            var depth = Plane(width, height, i);
            for (var x = 0; x < width; x++) depth[x] = float.PositiveInfinity;
            FakeFiles.RawFloat32(Path.Combine(dir, gt), depth);
            lines.Add($"{rgb} {gt}");
        }
        FakeFiles.Text(Path.Combine(dir, "eth3d_filename_list.txt"), [.. lines]);
        return new Fake(dir, lines.Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>ScanNet: sceneXXXX_XX/color/NNNNNN.jpg, depth/NNNNNN.png in mm; one far pixel (12 m) beyond the 10 m range.</summary>
    public static Fake ScanNet(int width, int height, int samples = 1)
    {
        var dir = TestData.NewTempDir("scannet");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var rgb = $"scene0406_02/color/{i * 100:000000}.jpg";
            var gt = $"scene0406_02/depth/{i * 100:000000}.png";
            FakeFiles.Rgb(Path.Combine(dir, rgb), 8, 8);
            FakeFiles.Png16(Path.Combine(dir, gt), width, height, (x, y) => x == 0 && y == 0 ? (ushort)12000 : (ushort)Math.Round(Depth(x, y, i) * 1000));
            lines.Add($"{rgb} {gt}");
        }
        FakeFiles.Text(Path.Combine(dir, "scannet_val_sampled_list_800_1.txt"), [.. lines]);
        return new Fake(dir, lines.Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>DIODE: depth .npy shaped (H, W, 1), mask .npy (H, W) false on the left column and true at one pixel below 0.6 m.</summary>
    public static Fake Diode(int width, int height, int samples = 1)
    {
        var dir = TestData.NewTempDir("diode");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var stem = $"indoors/scene_00021/scan_00189/00021_00189_indoors_{i:000}_010";
            FakeFiles.Rgb(Path.Combine(dir, stem + ".png"), 8, 8);
            var depth = Plane(width, height, i);
            depth[width + 1] = 0.5f; // valid in the mask, below the range: Marigold's DIODE loader keeps it
            FakeFiles.Npy(Path.Combine(dir, stem + "_depth.npy"), depth, height, width, 1);
            FakeFiles.NpyBool(Path.Combine(dir, stem + "_depth_mask.npy"), Enumerable.Range(0, width * height).Select(k => k % width != 0).ToArray(), height, width);
            lines.Add($"{stem}.png {stem}_depth.npy {stem}_depth_mask.npy");
        }
        FakeFiles.Text(Path.Combine(dir, "diode_val_all_filename_list.txt"), [.. lines]);
        return new Fake(dir, lines.Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>A user dataset as <c>betterdepth synth</c> writes it: npy depth in m, a PNG mask column, a crop.</summary>
    public static Fake User(int width, int height, int samples = 1)
    {
        var dir = TestData.NewTempDir("user");
        var lines = new List<string>();
        for (var i = 0; i < samples; i++)
        {
            var n = $"{i:000000}";
            FakeFiles.Rgb(Path.Combine(dir, $"rgb/{n}.png"), 8, 8);
            FakeFiles.Npy(Path.Combine(dir, $"depth/{n}.npy"), Plane(width, height, i), height, width);
            FakeFiles.Png16(Path.Combine(dir, $"mask/{n}.png"), width, height, (x, _) => x == width - 2 ? (ushort)0 : (ushort)1);
            lines.Add($"rgb/{n}.png depth/{n}.npy mask/{n}.png");
        }
        FakeFiles.Text(Path.Combine(dir, "test.txt"), [.. lines]);
        File.WriteAllText(Path.Combine(dir, "dataset.json"), """
            { "name": "mine", "split": "test.txt",
              "depth": { "encoding": "npy", "metres_per_unit": 1.0 },
              "min_depth": 0.001, "max_depth": 80.0,
              "crop": { "top": 1, "bottom": 0, "left": 0, "right": 0 },
              "mask_column": 2 }
            """);
        return new Fake(dir, lines.Select(l => l.Split(' ')[0]).ToList(), width, height);
    }

    /// <summary>Writes a prediction .npy beside the RGB path under <paramref name="predictionsDir"/>.</summary>
    public static void Prediction(string predictionsDir, string rgbPath, float[] values, int width, int height) =>
        FakeFiles.Npy(Path.Combine(predictionsDir, Path.ChangeExtension(rgbPath, ".npy")), values, height, width);
}
