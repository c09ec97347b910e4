using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Training.Priors;

namespace BetterDepth.Tests.Training.Priors;

public class DegradedGroundTruthPriorTests
{
    static readonly DegradationSettings Clean = new()
    {
        BlurSigma = 0, MultiplicativeDistortion = 0, AdditiveDistortion = 0, NoiseStd = 0, MaxScale = 1, MaxShift = 0,
    };

    /// <summary>A tilted floor from 1 m to 5 m with a 2 m box in the middle and a hole (invalid) in one corner.</summary>
    static (DepthMap Depth, bool[] Valid) Scene(int w = 48, int h = 32)
    {
        var depth = new DepthMap(w, h, DepthKind.Depth);
        var valid = new bool[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool box = x is >= 16 and < 32 && y is >= 8 and < 24;
                depth[x, y] = box ? 2f : 1f + 4f * y / (h - 1);
                valid[y * w + x] = !(x < 6 && y < 6);
            }
        return (depth, valid);
    }

    [Fact]
    public void Without_degradations_it_is_the_ground_truth_disparity_with_holes_filled()
    {
        var (depth, valid) = Scene();
        var prior = new DegradedGroundTruthPrior(Clean);
        var d = prior.Predict(depth, valid, "img/0001.png");
        Assert.Equal(DepthKind.AffineDisparity, d.Kind);
        for (int i = 0; i < d.PixelCount; i++)
        {
            Assert.True(float.IsFinite(d.Values[i]));
            if (valid[i]) Assert.Equal(1f / depth.Values[i], d.Values[i], 5);
            else Assert.InRange(d.Values[i], 0.2f, 1f); // filled from the neighbourhood's disparities
        }
    }

    [Fact]
    public void It_is_deterministic_per_seed_and_image_key()
    {
        var (depth, valid) = Scene();
        var prior = new DegradedGroundTruthPrior(new DegradationSettings { Seed = 7 });
        var a = prior.Predict(depth, valid, "a.png").Values;
        Assert.Equal(a, prior.Predict(depth, valid, "a.png").Values);
        Assert.NotEqual(a, prior.Predict(depth, valid, "b.png").Values);
        Assert.NotEqual(a, new DegradedGroundTruthPrior(new DegradationSettings { Seed = 8 }).Predict(depth, valid, "a.png").Values);
    }

    [Fact]
    public void Random_affine_alone_keeps_an_exact_affine_relation_to_the_disparity()
    {
        var (depth, valid) = Scene();
        var prior = new DegradedGroundTruthPrior(Clean with { MaxScale = 2, MaxShift = 0.5 });
        var d = prior.Predict(depth, valid, "x");
        // Two valid pixels with different disparity give scale and shift; every other valid pixel must agree.
        int i0 = 10 * 48 + 2, i1 = 31 * 48 + 2;
        double s = (d.Values[i1] - d.Values[i0]) / (1.0 / depth.Values[i1] - 1.0 / depth.Values[i0]);
        double t = d.Values[i0] - s / depth.Values[i0];
        Assert.InRange(Math.Abs(s), 0.5 - 1e-6, 2 + 1e-6);
        Assert.False(Math.Abs(s - 1) < 1e-9 && Math.Abs(t) < 1e-9, "the affine transform should not be the identity");
        for (int i = 0; i < d.PixelCount; i++)
            if (valid[i]) Assert.Equal(s / depth.Values[i] + t, d.Values[i], 4);
    }

    [Fact]
    public void Blur_softens_the_box_edge()
    {
        var (depth, valid) = Scene();
        var sharp = new DegradedGroundTruthPrior(Clean).Predict(depth, valid, "x");
        var blurred = new DegradedGroundTruthPrior(Clean with { BlurSigma = 0.05 }).Predict(depth, valid, "x");
        // Jump across the box's left edge (x = 15 -> 16) on row 16.
        float Jump(DepthMap m) => Math.Abs(m[16, 16] - m[15, 16]);
        Assert.True(Jump(blurred) < 0.5f * Jump(sharp), $"edge jump {Jump(blurred)} vs sharp {Jump(sharp)}");
    }

    [Fact]
    public void Smooth_distortion_changes_the_map_but_keeps_it_correlated()
    {
        var (depth, valid) = Scene();
        var clean = new DegradedGroundTruthPrior(Clean).Predict(depth, valid, "k");
        var distorted = new DegradedGroundTruthPrior(Clean with { MultiplicativeDistortion = 0.3, AdditiveDistortion = 0.05 }).Predict(depth, valid, "k");
        double maxDiff = clean.Values.Zip(distorted.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff > 0.01, "distortion had no effect");
        Assert.True(Correlation(clean.Values, distorted.Values) > 0.8);
    }

    [Fact]
    public void Bad_settings_and_inputs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DegradedGroundTruthPrior(new DegradationSettings { NoiseStd = -1 }));
        Assert.Throws<ArgumentException>(() => new DegradedGroundTruthPrior(new DegradationSettings { MaxScale = 0.5 }));
        Assert.Throws<ArgumentException>(() => new DegradedGroundTruthPrior(new DegradationSettings { BlurSigma = double.NaN }));
        var (depth, valid) = Scene();
        var prior = new DegradedGroundTruthPrior();
        Assert.Throws<ArgumentException>(() => prior.Predict(depth, new bool[depth.PixelCount], "none valid"));
        Assert.Throws<ArgumentException>(() => prior.Predict(depth, valid[..10], "short mask"));
        Assert.Throws<ArgumentException>(() => prior.Predict(depth.WithKind(DepthKind.AffineDepth), valid, "kind"));
    }

    [Fact]
    public void Lookup_adapter_finds_ground_truth_by_key()
    {
        var (depth, valid) = Scene();
        using IDepthPrior prior = new GroundTruthLookupPrior(Clean, key => key == "rgb/1.png" ? (depth, valid) : throw new FileNotFoundException(key));
        var image = new RgbImage(48, 32);
        Assert.True(prior.UsesImageKey);
        Assert.Equal(1f / depth[20, 5], prior.Predict(image, "rgb/1.png")[20, 5], 5);
        Assert.Throws<ArgumentException>(() => prior.Predict(image));
        Assert.Throws<ArgumentException>(() => prior.Predict(new RgbImage(10, 10), "rgb/1.png"));
    }

    internal static double Correlation(float[] a, float[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void TheDegradedPriorReadsTheGroundTruthItIsGiven()
    {
        var depth = new DepthMap(8, 6, DepthKind.Depth, Enumerable.Range(0, 48).Select(i => 1f + i % 8).ToArray());
        var asked = new List<string>();
        using var prior = TrainingPriors.Create("degraded:3", key => { asked.Add(key); return (depth, Enumerable.Repeat(true, 48).ToArray()); });
        var prediction = prior.Predict(new RgbImage(8, 6), "a/b.png");
        Assert.Equal(["a/b.png"], asked);
        Assert.Equal((8, 6), (prediction.Width, prediction.Height));
        Assert.Throws<ArgumentException>(() => TrainingPriors.Create("degraded:x", _ => (depth, new bool[48])));
    }
}

public class DegradedGroundTruthPriorRealDataTests
{
    [Fact]
    public void Real_nyu_depth_with_holes_gives_a_finite_map_correlated_with_the_true_disparity()
    {
        var gt = DepthFile.ReadPng16(TestData.Real("nyu-crop", "depth.png"), 0.001, DepthKind.Depth);
        var valid = Array.ConvertAll(gt.Values, v => v > 0);
        var d = new DegradedGroundTruthPrior(new DegradationSettings { Seed = 3 }).Predict(gt, valid, "nyu-crop/rgb.jpg");
        Assert.All(d.Values, v => Assert.True(float.IsFinite(v)));
        var idx = Enumerable.Range(0, valid.Length).Where(i => valid[i]).ToArray();
        double r = DegradedGroundTruthPriorTests.Correlation(idx.Select(i => 1f / gt.Values[i]).ToArray(), idx.Select(i => d.Values[i]).ToArray());
        Assert.True(Math.Abs(r) > 0.9, $"correlation {r}");
    }
}
