using System.Security.Cryptography;
using BetterDepth.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace BetterDepth.Priors;

/// <summary>
/// A depth network exported to ONNX (Depth Anything v1/v2, MiDaS, DPT), run with ONNX Runtime on the CPU:
/// resize + normalise as the preset says, run, take the single-channel output and resize it back
/// (bilinear) to the image size.
/// </summary>
public sealed class OnnxDepthPrior : IDepthPrior
{
    readonly InferenceSession session;
    readonly OnnxModelLayout layout;
    readonly int threads;
    string? modelHash;

    public string ModelPath { get; }
    public OnnxPreset Preset { get; }
    public string Name => $"{Preset.Name}:{Path.GetFileName(ModelPath)}";
    public DepthKind OutputKind => Preset.OutputKind;

    /// <param name="preset">Null: inferred from the file name and the model's input/output names (<see cref="OnnxPresetInference"/>).</param>
    /// <param name="intraOpThreads">ONNX Runtime intra-op threads; null = processor count.</param>
    public OnnxDepthPrior(string modelPath, OnnxPreset? preset = null, int? intraOpThreads = null)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: ONNX model not found", modelPath);
        threads = intraOpThreads ?? Environment.ProcessorCount;
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), $"threads must be positive, got {threads}");
        ModelPath = modelPath;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try { session = new InferenceSession(modelPath, options); }
        catch (OnnxRuntimeException e) { throw new InvalidFileException(modelPath, $"ONNX Runtime cannot load it: {e.Message}", e); }
        try
        {
            layout = OnnxModelLayout.Read(session, modelPath);
            Preset = preset ?? OnnxPresetInference.Infer(modelPath, layout);
        }
        catch { session.Dispose(); throw; }
    }

    /// <summary>Preset, model bytes (SHA-256, computed once) and the size rule: what changes a prediction.</summary>
    public string CacheIdentity => $"onnx|{Preset}|{ModelHash()}|{layout}";

    /// <summary>The network input size used for an image of the given size.</summary>
    public (int Width, int Height) InputSizeFor(int width, int height)
    {
        var (w, h) = NetworkInputSize.For(width, height, Preset.BaseSize, Preset.MultipleOf, Preset.Bound);
        return (layout.FixedWidth ?? w, layout.FixedHeight ?? h);
    }

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var (w, h) = InputSizeFor(image.Width, image.Height);
        var input = NetworkInput.ToTensor(image, w, h, Preset.Filter, Preset.Mean, Preset.Std);

        using var runOptions = new RunOptions();
        using var cancel = ct.Register(() => runOptions.Terminate = true);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, 3, h, w]);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try { outputs = session.Run(runOptions, [layout.InputName], [inputValue], [layout.OutputName]); }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested) { throw new OperationCanceledException(ct); }
        catch (OnnxRuntimeException e) { throw new InvalidFileException(ModelPath, $"inference failed on a {w}x{h} input: {e.Message}", e); }
        using (outputs)
        {
            var output = outputs[0];
            var shape = output.GetTensorTypeAndShape().Shape;
            if (shape.Length < 2 || shape[..^2].Any(d => d != 1))
                throw new InvalidFileException(ModelPath, $"output '{layout.OutputName}' has shape [{string.Join(", ", shape)}], expected one [H, W] map");
            int outH = (int)shape[^2], outW = (int)shape[^1];
            var values = output.GetTensorDataAsSpan<float>().ToArray();
            foreach (var v in values)
                if (!float.IsFinite(v)) throw new InvalidFileException(ModelPath, "the model produced NaN or infinite depth");
            var map = new DepthMap(outW, outH, OutputKind, values);
            return map.Width == image.Width && map.Height == image.Height
                ? map
                : Resampling.Resize(map, image.Width, image.Height, ResizeFilter.Bilinear);
        }
    }

    string ModelHash()
    {
        if (modelHash is null)
        {
            using var stream = File.OpenRead(ModelPath);
            modelHash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return modelHash;
    }

    public void Dispose() => session.Dispose();
}
