using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BetterDepth.Priors;

/// <summary>
/// What a depth model's ONNX signature must look like for <see cref="OnnxDepthPrior"/>, read from the session's
/// metadata: one float input [N, 3, H, W] (N 1 or dynamic), and a float output [H, W], [1, H, W] or [1, 1, H, W].
/// Fixed H/W force that network size; dynamic ones follow the preset's rule.
/// </summary>
internal sealed record OnnxModelLayout(string InputName, string OutputName, int? FixedWidth, int? FixedHeight)
{
    public static OnnxModelLayout Read(InferenceSession session, string modelPath)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 1)
            throw Bad(modelPath, $"expected exactly 1 input (an RGB image tensor), found {inputs.Count}: {string.Join(", ", inputs.Keys)}");
        var (inputName, input) = inputs.First();
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
            throw Bad(modelPath, $"input '{inputName}' must be a float tensor, is {Describe(input)}");
        var dims = input.Dimensions;
        if (dims.Length != 4)
            throw Bad(modelPath, $"input '{inputName}' must have rank 4 [N, 3, H, W], has rank {dims.Length} {Shape(dims)}");
        if (dims[0] > 1)
            throw Bad(modelPath, $"input '{inputName}' has a fixed batch of {dims[0]}; only 1 or dynamic is supported");
        if (dims[1] > 0 && dims[1] != 3)
            throw Bad(modelPath, $"input '{inputName}' {Shape(dims)} must be NCHW with 3 channels");

        var floatOutputs = session.OutputMetadata.Where(o => o.Value.IsTensor && o.Value.ElementDataType == TensorElementType.Float).ToList();
        if (floatOutputs.Count == 0)
            throw Bad(modelPath, $"no float tensor output among: {string.Join(", ", session.OutputMetadata.Select(o => $"{o.Key} {Describe(o.Value)}"))}");
        var (outputName, output) = floatOutputs[0];
        var outDims = output.Dimensions;
        if (outDims.Length is < 2 or > 4)
            throw Bad(modelPath, $"output '{outputName}' must have rank 2..4 ([H, W], [1, H, W] or [1, 1, H, W]), has rank {outDims.Length} {Shape(outDims)}");
        for (int i = 0; i < outDims.Length - 2; i++)
            if (outDims[i] > 1)
                throw Bad(modelPath, $"output '{outputName}' {Shape(outDims)} must have a single channel and batch of 1");

        return new OnnxModelLayout(inputName, outputName, dims[3] > 0 ? dims[3] : null, dims[2] > 0 ? dims[2] : null);
    }

    static InvalidFileException Bad(string path, string problem) => new(path, $"not a usable depth model: {problem}");

    static string Shape(int[] dims) => "[" + string.Join(", ", dims.Select(d => d > 0 ? d.ToString() : "?")) + "]";

    static string Describe(NodeMetadata m) => m.IsTensor ? $"{m.ElementDataType} {Shape(m.Dimensions)}" : m.OnnxValueType.ToString();
}
