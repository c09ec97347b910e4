using BetterDepth.Priors;
using BetterDepth.Priors.Learned;
using static BetterDepth.Training.Onnx.OnnxGraphWriter;
using static TorchSharp.torch;

namespace BetterDepth.Training.Onnx;

/// <summary>
/// Writes a <see cref="PriorCnn"/> and its weights as an ONNX model (opset 17) that ONNX Runtime runs without
/// TorchSharp: input <c>image</c> [batch, 3, height, width] (ImageNet-normalised RGB, sides multiples of 32),
/// output <c>disparity</c> [batch, 1, height, width]. The graph mirrors <see cref="PriorCnn.forward"/> op by op;
/// GroupNorm becomes Reshape -> InstanceNormalization -> Reshape -> Mul/Add, SiLU becomes x * Sigmoid(x), a residual
/// block's sum an Add, an attention block MatMul -> Softmax -> MatMul over the flattened positions, and every bilinear
/// upsampling is a 2x Resize (half_pixel is align_corners=false), since sides divide by 32.
/// </summary>
public static class PriorCnnOnnxExport
{
    public const string InputName = OnnxPreset.BetterDepthCnnInput;
    public const string OutputName = OnnxPreset.BetterDepthCnnOutput;
    public const int Opset = 17;

    /// <summary>
    /// The ONNX model's bytes. <paramref name="fixedSize"/>: height and width fixed to the network's working size
    /// (so <see cref="OnnxDepthPrior"/> resizes every image to it, as <see cref="LearnedPrior"/> does); otherwise dynamic.
    /// </summary>
    public static byte[] ToBytes(PriorCnn model, bool fixedSize = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new Graph(model);
        var disparity = graph.Build();
        object height = fixedSize ? model.Config.Height : "height", width = fixedSize ? model.Config.Width : "width";
        return Model(graph.Builder.Nodes, [new Value(InputName, "batch", 3, height, width)],
            [new Value(disparity, "batch", 1, height, width)], graph.Builder.Initializers, Opset,
            graphName: "betterdepth_prior_cnn", producer: "BetterDepth PriorCnnOnnxExport");
    }

    /// <summary>Writes the model to <paramref name="outputPath"/> atomically (a failed write leaves any old file intact).</summary>
    public static void Save(PriorCnn model, string outputPath, bool fixedSize = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (Directory.Exists(outputPath)) throw new ArgumentException($"{outputPath}: is a folder; give the .onnx file to write");
        var bytes = ToBytes(model, fixedSize);
        // A parent that is a file, a full disk, ...: one line naming the output rather than a bare IOException.
        try { AtomicFile.WriteAllBytes(outputPath, bytes); }
        catch (IOException e) when (e is not InvalidFileException) { throw new InvalidFileException(outputPath, $"cannot write the ONNX model: {e.Message}", e); }
    }

    /// <summary>Loads a weights file (<see cref="PriorWeights"/>) and writes it as ONNX.</summary>
    public static PriorCnnConfig Export(string weightsPath, string outputPath, bool fixedSize = false)
    {
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: learned-prior weights not found", weightsPath);
        using var model = PriorWeights.Load(weightsPath);
        Save(model, outputPath, fixedSize);
        return model.Config;
    }

    /// <summary>One export: the module's weights by state-dict key, and the graph built from them.</summary>
    sealed class Graph(PriorCnn model)
    {
        readonly Dictionary<string, Tensor> state = model.state_dict();
        public OnnxGraphBuilder Builder { get; } = new();
        string groupShape = "", groupScale = "", groupBias = "", doubleSize = "";

        public string Build()
        {
            groupShape = Builder.Constant("groupnorm_shape", [3], [0L, ConvBlock.Groups, -1L]); // 0 keeps the batch size
            groupScale = Builder.Constant("groupnorm_ones", [ConvBlock.Groups], Enumerable.Repeat(1f, ConvBlock.Groups).ToArray());
            groupBias = Builder.Constant("groupnorm_zeros", [ConvBlock.Groups], new float[ConvBlock.Groups]);
            doubleSize = Builder.Constant("upsample_scales", [4], [1f, 1f, 2f, 2f]);

            var e1 = Block("enc1", InputName, stride: 2);
            var e2 = Block("enc2", e1, stride: 2);
            var e3 = Residual("enc3res", Block("enc3", e2, stride: 2), model.Config.EncoderBlocks);
            var e4 = Residual("enc4res", Block("enc4", e3, stride: 2), model.Config.EncoderBlocks);
            var e5 = Block("enc5", e4, stride: 2);
            var pooled = Builder.Add("context_pool", "GlobalAveragePool", [e5]);
            var g = Silu("context_silu", Conv("context", pooled, stride: 1, padding: 0));
            e5 = Attention("attn32", Residual("res32", Builder.Add("context_add", "Add", [e5, g])));
            var d = Attention("attn16", Residual("res16", Block("dec4", Builder.Add("dec4_concat", "Concat", [Up("dec4_up", e5), e4], new Attr("axis", Int: 1)), stride: 1)));
            d = Residual("res8", Block("dec3", Builder.Add("dec3_concat", "Concat", [Up("dec3_up", d), e3], new Attr("axis", Int: 1)), stride: 1));
            d = Block("dec2", Builder.Add("dec2_concat", "Concat", [Up("dec2_up", d), e2], new Attr("axis", Int: 1)), stride: 1);
            var head = Up("head_up2", Up("head_up1", Conv("head", d, stride: 1, padding: 1)));
            if (model.Config.LayoutChannels == 0) return Builder.Add(OutputName, "Softplus", [head]);
            return Layout(InputName, Builder.Add("disparity_uncorrected", "Softplus", [head]));
        }

        /// <summary>
        /// <see cref="LayoutCorrector"/>: both maps averaged to its grid, the disparity as log less its mean, its encoder-decoder,
        /// then the disparity times exp(the correction resized to the disparity's size).
        /// </summary>
        string Layout(string image, string disparity)
        {
            string Pool(string name, string x) => Builder.Add(name, "AveragePool", [x],
                new Attr("kernel_shape", Ints: [LayoutCorrector.InputStride, LayoutCorrector.InputStride]),
                new Attr("strides", Ints: [LayoutCorrector.InputStride, LayoutCorrector.InputStride]));
            string Mean(string name, string x) => Builder.Add(name, "ReduceMean", [x], new Attr("axes", Ints: [1, 2, 3]), new Attr("keepdims", Int: 1));
            var floor = Builder.Constant("layout_floor", [1], [1e-6f]);
            var logDisparity = Builder.Add("layout_log", "Log", [Builder.Add("layout_floored", "Max", [Pool("layout_disparity_grid", disparity), floor])]);
            var centred = Builder.Add("layout_centred", "Sub", [logDisparity, Mean("layout_log_mean", logDisparity)]);
            var x = Builder.Add("layout_input", "Concat", [Pool("layout_image_grid", image), centred], new Attr("axis", Int: 1));
            var e1 = Block("layout.enc1", x, stride: 1);
            var e2 = Block("layout.enc2", e1, stride: 2);
            var e3 = Block("layout.enc3", e2, stride: 2);
            var e4 = Block("layout.enc4", e3, stride: 2);
            var g = Silu("layout_context_silu", Conv("layout.context", Builder.Add("layout_context_pool", "GlobalAveragePool", [e4]), stride: 1, padding: 0));
            e4 = Builder.Add("layout_context_add", "Add", [e4, g]);
            for (int i = 0; i < LayoutCorrector.ResidualBlocks; i++) e4 = ResidualBlock($"layout.res.{i}", e4);
            e4 = AttentionBlock("layout.attention", "layout_attention", e4);
            var d = Block("layout.dec3", Builder.Add("layout_dec3_concat", "Concat", [Up("layout_dec3_up", e4), e3], new Attr("axis", Int: 1)), stride: 1);
            d = Block("layout.dec2", Builder.Add("layout_dec2_concat", "Concat", [Up("layout_dec2_up", d), e2], new Attr("axis", Int: 1)), stride: 1);
            var correction = Conv("layout.head", d, stride: 1, padding: 1);
            // Resized to the disparity's own size, as LayoutCorrector.Apply does (bilinear, align_corners=false).
            var size = Builder.Add("layout_size", "Shape", [disparity]);
            var resized = Builder.Add("layout_resized", "Resize", [correction, "", "", size],
                new Attr("mode", Text: "linear"), new Attr("coordinate_transformation_mode", Text: "half_pixel"));
            return Builder.Add(OutputName, "Mul", [disparity, Builder.Add("layout_factor", "Exp", [resized])]);
        }

        /// <summary><see cref="ConvBlock"/>: (Conv3x3 -> GroupNorm -> SiLU) twice, the first conv with the stride.</summary>
        string Block(string prefix, string x, int stride)
        {
            var h = Silu($"{prefix}_silu1", GroupNorm($"{prefix}.norm1", Conv($"{prefix}.conv1", x, stride, padding: 1)));
            return Silu($"{prefix}_silu2", GroupNorm($"{prefix}.norm2", Conv($"{prefix}.conv2", h, stride: 1, padding: 1)));
        }

        /// <summary>The level's <see cref="ResidualBlock"/>s.</summary>
        string Residual(string prefix, string x) => Residual(prefix, x, model.Config.ResidualBlocks);

        string Residual(string prefix, string x, int count)
        {
            for (int i = 0; i < count; i++) x = ResidualBlock($"{prefix}.{i}", x);
            return x;
        }

        /// <summary>One <see cref="ResidualBlock"/>: x + GroupNorm(Conv(SiLU(GroupNorm(Conv(x))))).</summary>
        string ResidualBlock(string module, string x)
        {
            var h = Silu($"{module}_silu", GroupNorm($"{module}.norm1", Conv($"{module}.conv1", x, stride: 1, padding: 1)));
            return Builder.Add($"{module}_add", "Add", [x, GroupNorm($"{module}.norm2", Conv($"{module}.conv2", h, stride: 1, padding: 1))]);
        }

        /// <summary>The level's <see cref="AttentionBlock"/>s.</summary>
        string Attention(string prefix, string x)
        {
            for (int i = 0; i < model.Config.AttentionBlocks; i++) x = AttentionBlock($"{prefix}.{i}", $"{prefix}.{i}_add", x);
            return x;
        }

        /// <summary>
        /// One <see cref="AttentionBlock"/>: x + Linear(softmax(q k^T / sqrt(d)) v) per head, q, k, v Linear maps of the
        /// group-normalised positions [B, H*W, C] (normalising before flattening is the same normalisation).
        /// </summary>
        string AttentionBlock(string module, string sumName, string x)
        {
            var p = $"{module}.attention";
            var channels = state[$"{p}.to_q.weight"].shape[1];
            var heads = channels / BetterDepth.Priors.Learned.AttentionBlock.HeadSize;
            var flat = Builder.Constant($"{p}_flat", [3], [0L, channels, -1L]);
            var split = Builder.Constant($"{p}_split", [4], [0L, 0L, heads, BetterDepth.Priors.Learned.AttentionBlock.HeadSize]);
            var merge = Builder.Constant($"{p}_merge", [3], [0L, 0L, channels]);
            var scale = Builder.Constant($"{p}_scale", [1], [1f / MathF.Sqrt(BetterDepth.Priors.Learned.AttentionBlock.HeadSize)]);
            var normed = GroupNorm($"{p}.group_norm", x);
            var tokens = Builder.Add($"{p}_tokens", "Transpose", [Builder.Add($"{p}_flatten", "Reshape", [normed, flat])], new Attr("perm", Ints: [0, 2, 1]));
            string Heads(string name, long[] perm) =>
                Builder.Add($"{p}_{name}_heads", "Transpose", [Builder.Add($"{p}_{name}_split", "Reshape", [Linear($"{p}.{name}", tokens), split])], new Attr("perm", Ints: perm));
            var q = Heads("to_q", [0, 2, 1, 3]);
            var kT = Heads("to_k", [0, 2, 3, 1]);
            var v = Heads("to_v", [0, 2, 1, 3]);
            var scores = Builder.Add($"{p}_scores", "Mul", [Builder.Add($"{p}_qk", "MatMul", [q, kT]), scale]);
            var weights = Builder.Add($"{p}_softmax", "Softmax", [scores], new Attr("axis", Int: -1));
            var attended = Builder.Add($"{p}_merged", "Reshape", [Builder.Add($"{p}_unheads", "Transpose",
                [Builder.Add($"{p}_av", "MatMul", [weights, v])], new Attr("perm", Ints: [0, 2, 1, 3])), merge]);
            var back = Builder.Add($"{p}_positions", "Transpose", [Linear($"{p}.to_out.0", attended)], new Attr("perm", Ints: [0, 2, 1]));
            var map = Builder.Add($"{p}_map", "Reshape", [back, Builder.Add($"{p}_shape", "Shape", [x])]);
            return Builder.Add(sumName, "Add", [x, map]);
        }

        /// <summary>nn.Linear on [B, N, in]: MatMul by the transposed weight, plus the bias.</summary>
        string Linear(string module, string x)
        {
            var weight = Weight($"{module}.weight", transposed: true);
            var product = Builder.Add($"{module}_matmul", "MatMul", [x, weight.Name]);
            return Builder.Add(module, "Add", [product, Weight($"{module}.bias").Name]);
        }

        /// <summary>Conv with the module's weight (and bias, if it has one); the kernel size comes from the weight's shape.</summary>
        string Conv(string module, string x, int stride, int padding)
        {
            var weight = Weight($"{module}.weight");
            var inputs = new List<string> { x, weight.Name };
            if (state.ContainsKey($"{module}.bias")) inputs.Add(Weight($"{module}.bias").Name);
            return Builder.Add(module, "Conv", [.. inputs],
                new Attr("kernel_shape", Ints: weight.Dims[2..]),
                new Attr("strides", Ints: [stride, stride]),
                new Attr("pads", Ints: [padding, padding, padding, padding]));
        }

        /// <summary>GroupNorm as instance norm over [N, groups, C/groups * H * W], then the per-channel affine.</summary>
        string GroupNorm(string module, string x)
        {
            var gamma = Weight($"{module}.weight", channelsFirst: true);
            var beta = Weight($"{module}.bias", channelsFirst: true);
            var grouped = Builder.Add($"{module}_grouped", "Reshape", [x, groupShape]);
            var normed = Builder.Add($"{module}_instnorm", "InstanceNormalization", [grouped, groupScale, groupBias],
                new Attr("epsilon", FloatValue: (float)ConvBlock.Epsilon));
            var shape = Builder.Add($"{module}_shape", "Shape", [x]);
            var back = Builder.Add($"{module}_ungrouped", "Reshape", [normed, shape]);
            var scaled = Builder.Add($"{module}_mul", "Mul", [back, gamma.Name]);
            return Builder.Add($"{module}_add", "Add", [scaled, beta.Name]);
        }

        string Silu(string name, string x) => Builder.Add(name, "Mul", [x, Builder.Add($"{name}_sigmoid", "Sigmoid", [x])]);

        /// <summary>Bilinear 2x upsampling, align_corners=false (the "" is Resize's unused roi input).</summary>
        string Up(string name, string x) => Builder.Add(name, "Resize", [x, "", doubleSize],
            new Attr("mode", Text: "linear"), new Attr("coordinate_transformation_mode", Text: "half_pixel"));

        /// <summary>
        /// A state-dict tensor as a float initializer of the same name; per-channel vectors become [C, 1, 1] to broadcast over
        /// H, W, and a Linear's [out, in] weight becomes [in, out] for MatMul when <paramref name="transposed"/>.
        /// </summary>
        Initializer Weight(string key, bool channelsFirst = false, bool transposed = false)
        {
            if (!state.TryGetValue(key, out var tensor))
                throw new InvalidOperationException($"ONNX export: the network has no weight '{key}' (the export and PriorCnn disagree)");
            using var cpu = (transposed ? tensor.detach().t() : tensor.detach()).to(CPU).to(ScalarType.Float32).contiguous();
            var dims = channelsFirst ? [cpu.shape[0], 1, 1] : cpu.shape;
            return Builder.Constant(new Initializer(key, dims, cpu.data<float>().ToArray()));
        }
    }
}
