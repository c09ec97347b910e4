using BetterDepth.Compute;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Priors.Learned;
using BetterDepth.Tests.Priors;
using BetterDepth.Tests.Priors.Learned;
using BetterDepth.Training.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training.Onnx;

/// <summary>The exported learned prior, run in ONNX Runtime, against the TorchSharp network it came from.</summary>
[Collection(TorchSeeded.Name)]
public sealed class PriorCnnOnnxExportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>float32 on both sides, different kernels and summation orders: a few 1e-6 in practice.</summary>
    const double Tolerance = 1e-4;

    readonly string dir = TestData.NewTempDir("prior-onnx-export");

    public void Dispose() => Directory.Delete(dir, true);

    static string ShippedWeights => Path.Combine(TestData.RepoRoot, LearnedPrior.DefaultWeights);

    /// <summary>
    /// Random weights everywhere, GroupNorm's affine included (its default 1/0 would hide a wrong Mul/Add), and the attention
    /// blocks' output projections (their zero start would hide a wrong attention), and the layout corrector's head (likewise).
    /// </summary>
    static PriorCnn RandomNetwork(int seed, int residualBlocks = 0, int attentionBlocks = 0, int layoutChannels = 0, int encoderBlocks = 0)
    {
        random.manual_seed(seed);
        var model = new PriorCnn(new PriorCnnConfig(16, 96, 64, residualBlocks, attentionBlocks, layoutChannels, encoderBlocks));
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (name.StartsWith("layout.head.", StringComparison.Ordinal)) p.copy_(randn_like(p).Times(0.05));
        foreach (var (name, p) in model.named_parameters())
            if (name.Contains(".to_out.")) p.copy_(randn_like(p).Times(0.2));
        foreach (var (name, p) in model.named_parameters())
            if (name.Contains(".norm")) p.copy_(name.EndsWith("weight") ? rand_like(p).Plus(0.5) : randn_like(p).Times(0.2));
        model.eval();
        return model;
    }

    /// <summary>Largest |ONNX Runtime - TorchSharp| over a random batch of the given size.</summary>
    double MaxDifference(PriorCnn model, string onnxPath, int batch, int width, int height)
    {
        using var input = randn(batch, 3, height, width);
        float[] expected;
        using (no_grad())
        using (var torchOut = model.forward(input))
            expected = torchOut.data<float>().ToArray();

        using var session = new InferenceSession(onnxPath);
        var data = input.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, [batch, 3, height, width]);
        using var results = session.Run(new RunOptions(), [PriorCnnOnnxExport.InputName], [value], [PriorCnnOnnxExport.OutputName]);
        Assert.Equal([batch, 1L, height, width], results[0].GetTensorTypeAndShape().Shape);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        output.WriteLine($"{width}x{height} batch {batch}: max |ORT - TorchSharp| = {max:E2} (outputs up to {expected.Max():F3})");
        return max;
    }

    [Theory]
    [InlineData(64, 32, 0)]
    [InlineData(96, 64, 0)]
    [InlineData(96, 64, 2)]
    [InlineData(96, 64, 1, 1)]
    [InlineData(128, 64, 0, 2)]
    [InlineData(96, 64, 1, 1, 8)]
    [InlineData(128, 96, 0, 0, 16)]
    [InlineData(96, 64, 1, 0, 0, 2)]
    public void Random_network_matches_torchsharp_at_dynamic_sizes(int width, int height, int residualBlocks, int attentionBlocks = 0, int layoutChannels = 0, int encoderBlocks = 0)
    {
        using var model = RandomNetwork(seed: width, residualBlocks, attentionBlocks, layoutChannels, encoderBlocks);
        var path = Path.Combine(dir, "random.onnx");
        PriorCnnOnnxExport.Save(model, path);

        Assert.InRange(MaxDifference(model, path, batch: 2, width, height), 0, Tolerance);
    }

    [Fact]
    public void Shipped_weights_match_torchsharp_at_several_sizes_from_one_file()
    {
        var path = Path.Combine(dir, "shipped.onnx");
        PriorCnnOnnxExport.Export(ShippedWeights, path);
        using var model = PriorWeights.Load(ShippedWeights);
        model.eval();
        random.manual_seed(3);

        Assert.InRange(MaxDifference(model, path, 1, 64, 32), 0, Tolerance);
        Assert.InRange(MaxDifference(model, path, 1, 96, 64), 0, Tolerance);
        Assert.InRange(MaxDifference(model, path, 1, 256, 192), 0, Tolerance);
    }

    [Fact]
    public void Fixed_size_export_through_the_registry_predicts_what_the_learned_prior_predicts()
    {
        var path = Path.Combine(dir, "prior.onnx");
        PriorCnnOnnxExport.Export(ShippedWeights, path, fixedSize: true);
        using var onnx = PriorRegistry.Create($"betterdepth-cnn:{path}", new PriorOptions { Threads = 1 });
        using var learned = new LearnedPrior(ShippedWeights);
        // Any aspect is squashed to the weights' working size, as LearnedPrior does.
        Assert.Equal((learned.Config.Width, learned.Config.Height), ((OnnxDepthPrior)onnx).InputSizeFor(200, 120));
        var image = ImageFile.ReadRgb(TestData.Real("nyu-crop", "rgb.jpg"));

        var a = onnx.Predict(image);
        var b = learned.Predict(image);

        Assert.Equal(DepthKind.AffineDisparity, a.Kind);
        Assert.Equal((image.Width, image.Height), (a.Width, a.Height));
        double max = a.Values.Zip(b.Values, (x, y) => Math.Abs(x - y)).Max();
        double range = b.Values.Max() - b.Values.Min();
        output.WriteLine($"betterdepth-cnn (fixed size) vs learned on {image.Width}x{image.Height}: max diff {max:E2}, prediction range {range:F3}");
        Assert.InRange(max, 0, Tolerance);
    }

    [Fact]
    public void Dynamic_export_is_recognised_by_its_tensor_names_and_keeps_the_aspect()
    {
        using var model = RandomNetwork(seed: 7);
        var path = Path.Combine(dir, "anything.onnx");
        PriorCnnOnnxExport.Save(model, path);

        using var prior = (OnnxDepthPrior)PriorRegistry.Create(path, new PriorOptions { Threads = 1 });

        Assert.Same(OnnxPreset.BetterDepthCnn, prior.Preset);
        Assert.Equal((256, 192), prior.InputSizeFor(640, 480)); // the shipped weights' working size
        Assert.Equal((192, 192), prior.InputSizeFor(100, 100));
        var depth = prior.Predict(PriorTestImages.Random(50, 40, seed: 8));
        Assert.Equal((50, 40), (depth.Width, depth.Height));
        Assert.All(depth.Values, v => Assert.True(v > 0, "softplus output must be positive"));
    }

    [Fact]
    public void Missing_weights_and_unwritable_outputs_name_the_path()
    {
        var missing = Path.Combine(dir, "nope.safetensors");
        var e1 = Assert.Throws<FileNotFoundException>(() => PriorCnnOnnxExport.Export(missing, Path.Combine(dir, "x.onnx")));
        Assert.Contains(missing, e1.Message);

        using var model = RandomNetwork(seed: 9);
        var e2 = Assert.Throws<ArgumentException>(() => PriorCnnOnnxExport.Save(model, dir));
        Assert.Contains("is a folder", e2.Message);

        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var inside = Path.Combine(blocker, "prior.onnx");
        var e3 = Assert.Throws<InvalidFileException>(() => PriorCnnOnnxExport.Save(model, inside));
        Assert.Contains(inside, e3.Message);
        Assert.False(File.Exists(inside));
    }
}
