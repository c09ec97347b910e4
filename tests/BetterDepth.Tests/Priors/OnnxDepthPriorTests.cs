using BetterDepth.Imaging;
using BetterDepth.Priors;
using static BetterDepth.Training.Onnx.OnnxGraphWriter;

namespace BetterDepth.Tests.Priors;

public class OnnxDepthPriorTests : IDisposable
{
    static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    readonly string dir = TestData.NewTempDir("priors-onnx");

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>image [N, 3, H, W] -> mean over channels -> depth [N, H, W], all spatial axes dynamic.</summary>
    string ChannelMeanModel(string fileName, string input = "image", string output = "depth") =>
        TestData.Save(dir, fileName, Model(
            [new Node("ReduceMean", [input], [output], new Attr("axes", Ints: [1]), new Attr("keepdims", Int: 0))],
            [new Value(input, "N", 3, "H", "W")],
            [new Value(output, "N", "H", "W")]));

    /// <summary>pixel_values [1, 3, h, w] fixed -> 1x1 Conv (0.2, 0.3, 0.5) + 0.1 -> predicted_depth [1, 1, h, w].</summary>
    string FixedSizeConvModel(int w, int h) =>
        TestData.Save(dir, "fixed.onnx", Model(
            [new Node("Conv", ["pixel_values", "weight", "bias"], ["predicted_depth"])],
            [new Value("pixel_values", 1, 3, h, w)],
            [new Value("predicted_depth", 1, 1, h, w)],
            [new Initializer("weight", [1, 3, 1, 1], [0.2f, 0.3f, 0.5f]), new Initializer("bias", [1], [0.1f])]));

    /// <summary>Reference preprocessing written out independently: float channel resize, then (v/255 - mean)/std.</summary>
    static float[][] Normalised(RgbImage image, int w, int h, float[] mean, float[] std) =>
        Enumerable.Range(0, 3).Select(c =>
        {
            var ch = PriorTestImages.Channel(image, c);
            if (w != image.Width || h != image.Height) ch = Resampling.Resize(ch, w, h, ResizeFilter.Bicubic, antialias: true);
            return ch.Values.Select(v => (v / 255f - mean[c]) / std[c]).ToArray();
        }).ToArray();

    [Fact]
    public void Channel_mean_model_matches_the_same_computation_in_csharp_without_resizing()
    {
        // Base size 14 on a 14x28 image: the preset rule keeps the size, so only normalisation is exercised.
        var preset = OnnxPreset.DepthAnythingV2 with { BaseSize = 14 };
        using var prior = new OnnxDepthPrior(ChannelMeanModel("tiny.onnx"), preset, intraOpThreads: 1);
        var image = PriorTestImages.Random(14, 28, seed: 1);
        Assert.Equal((14, 28), prior.InputSizeFor(14, 28));

        var depth = prior.Predict(image);

        Assert.Equal(DepthKind.AffineDisparity, depth.Kind);
        Assert.Equal((14, 28), (depth.Width, depth.Height));
        for (int i = 0; i < depth.PixelCount; i++)
        {
            double expected = 0;
            for (int c = 0; c < 3; c++) expected += (image.Data[i * 3 + c] / 255.0 - ImageNetMean[c]) / ImageNetStd[c];
            Assert.Equal(expected / 3, depth.Values[i], 4);
        }
    }

    [Fact]
    public void Depth_anything_preset_resizes_to_multiples_of_14_and_back()
    {
        using var prior = new OnnxDepthPrior(ChannelMeanModel("tiny.onnx"), intraOpThreads: 1);
        Assert.Equal("depth-anything-v2", prior.Preset.Name); // inferred from image -> depth
        var image = PriorTestImages.Random(40, 30, seed: 2);
        // Short side 30 scales to 518; the long side 690.7 snaps to 49 * 14 = 686.
        Assert.Equal((686, 518), prior.InputSizeFor(40, 30));

        var depth = prior.Predict(image);

        var planes = Normalised(image, 686, 518, ImageNetMean, ImageNetStd);
        var net = new DepthMap(686, 518, DepthKind.AffineDisparity, Enumerable.Range(0, 686 * 518).Select(i => (planes[0][i] + planes[1][i] + planes[2][i]) / 3).ToArray());
        var expected = Resampling.Resize(net, 40, 30, ResizeFilter.Bilinear);
        Assert.Equal((40, 30), (depth.Width, depth.Height));
        for (int i = 0; i < depth.PixelCount; i++) Assert.Equal(expected.Values[i], depth.Values[i], 3);
    }

    [Fact]
    public void Fixed_size_model_with_hugging_face_names_forces_its_size()
    {
        using var prior = new OnnxDepthPrior(FixedSizeConvModel(w: 42, h: 28), intraOpThreads: 1);
        Assert.Equal("depth-anything-v2", prior.Preset.Name); // inferred from pixel_values -> predicted_depth
        var image = PriorTestImages.Random(20, 10, seed: 3);
        Assert.Equal((42, 28), prior.InputSizeFor(20, 10));

        var depth = prior.Predict(image);

        var planes = Normalised(image, 42, 28, ImageNetMean, ImageNetStd);
        var net = new DepthMap(42, 28, DepthKind.AffineDisparity,
            Enumerable.Range(0, 42 * 28).Select(i => 0.2f * planes[0][i] + 0.3f * planes[1][i] + 0.5f * planes[2][i] + 0.1f).ToArray());
        var expected = Resampling.Resize(net, 20, 10, ResizeFilter.Bilinear);
        for (int i = 0; i < depth.PixelCount; i++) Assert.Equal(expected.Values[i], depth.Values[i], 3);
    }

    [Fact]
    public void Wrong_input_rank_is_a_clear_error_naming_the_model()
    {
        var path = TestData.Save(dir, "rank3.onnx", Model(
            [new Node("ReduceMean", ["image"], ["depth"], new Attr("axes", Ints: [0]), new Attr("keepdims", Int: 0))],
            [new Value("image", 3, "H", "W")],
            [new Value("depth", "H", "W")]));
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, OnnxPreset.DepthAnythingV2, 1));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("rank 4", e.Message);
    }

    [Fact]
    public void Multi_channel_output_is_rejected()
    {
        var path = TestData.Save(dir, "rgb_out.onnx", Model(
            [new Node("Identity", ["image"], ["depth"])],
            [new Value("image", 1, 3, "H", "W")],
            [new Value("depth", 1, 3, "H", "W")]));
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, OnnxPreset.MidasSmall, 1));
        Assert.Contains("single channel", e.Message);
    }

    [Fact]
    public void Two_inputs_are_rejected()
    {
        var path = TestData.Save(dir, "two_in.onnx", Model(
            [new Node("Add", ["a", "b"], ["depth"])],
            [new Value("a", 1, 3, 8, 8), new Value("b", 1, 3, 8, 8)],
            [new Value("depth", 1, 3, 8, 8)]));
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, OnnxPreset.MidasSmall, 1));
        Assert.Contains("exactly 1 input", e.Message);
    }

    [Fact]
    public void Unknown_model_without_a_preset_asks_for_one_and_works_with_one()
    {
        var path = ChannelMeanModel("model.onnx", input: "x", output: "y");
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, null, 1));
        Assert.Contains("name a preset", e.Message);
        using var prior = new OnnxDepthPrior(path, OnnxPreset.DptLarge, 1);
        var depth = prior.Predict(PriorTestImages.Random(32, 32, seed: 4));
        Assert.Equal((32, 32), (depth.Width, depth.Height));
    }

    [Fact]
    public void Model_without_a_float_output_is_rejected()
    {
        var path = TestData.Save(dir, "int_out.onnx", Model(
            [new Node("Cast", ["image"], ["depth"], new Attr("to", Int: 7))],
            [new Value("image", 1, 3, "H", "W")],
            [new Value("depth", 1, 3, "H", "W") { ElemType = 7 }]));
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, OnnxPreset.MidasSmall, 1));
        Assert.Contains("no float tensor output", e.Message);
    }

    [Fact]
    public void Cancelled_prediction_throws()
    {
        using var prior = new OnnxDepthPrior(ChannelMeanModel("tiny.onnx"), OnnxPreset.DepthAnythingV2, 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => prior.Predict(PriorTestImages.Random(8, 8, seed: 5), cts.Token));
    }

    [Fact]
    public void Garbage_file_is_an_invalid_file()
    {
        var path = Path.Combine(dir, "garbage.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<InvalidFileException>(() => new OnnxDepthPrior(path, OnnxPreset.DepthAnythingV2, 1));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Cache_identity_changes_with_the_model_bytes()
    {
        var a = ChannelMeanModel("a.onnx");
        var b = FixedSizeConvModel(14, 14);
        using var pa = new OnnxDepthPrior(a, OnnxPreset.DepthAnythingV2, 1);
        using var pb = new OnnxDepthPrior(b, OnnxPreset.DepthAnythingV2, 1);
        using var pa2 = new OnnxDepthPrior(a, OnnxPreset.MidasSmall, 1);
        Assert.NotEqual(((IDepthPrior)pa).CacheIdentity, ((IDepthPrior)pb).CacheIdentity);
        Assert.NotEqual(((IDepthPrior)pa).CacheIdentity, ((IDepthPrior)pa2).CacheIdentity);
    }

    [Theory]
    [InlineData("depth_anything_v2_vits", "depth-anything-v2")]
    [InlineData("Depth-Anything-Small", "depth-anything-v1")]
    [InlineData("midas_v21_small_256", "midas-small")]
    [InlineData("midas_v21_384", "midas-v21")]
    [InlineData("dpt_hybrid_384", "dpt-hybrid")]
    [InlineData("dpt_large_384", "dpt-large")]
    public void Presets_are_recognised_from_file_names(string file, string preset) =>
        Assert.Equal(preset, OnnxPresetInference.FromFileName(file)?.Name);
}
