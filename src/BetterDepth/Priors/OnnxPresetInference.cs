namespace BetterDepth.Priors;

/// <summary>
/// Picks the preset of an ONNX depth export that was given without one. In order: the file name
/// (depth_anything / depth-anything [v2], dpt_hybrid, dpt [large], midas ... small, midas), then the tensor names of
/// the common exports (image -> depth, pixel_values -> predicted_depth: Depth Anything v2; image -> disparity: the exported learned prior), then a fixed input
/// of 256 (MiDaS small). Anything else must be named explicitly.
/// </summary>
internal static class OnnxPresetInference
{
    public static OnnxPreset Infer(string modelPath, OnnxModelLayout layout) =>
        FromFileName(Path.GetFileNameWithoutExtension(modelPath))
        ?? FromTensorNames(layout)
        ?? (layout is { FixedWidth: 256, FixedHeight: 256 } ? OnnxPreset.MidasSmall : null)
        ?? throw new InvalidFileException(modelPath,
            $"cannot tell which kind of depth model this is (input '{layout.InputName}', output '{layout.OutputName}'); " +
            $"name a preset: {string.Join(", ", OnnxPreset.All.Select(p => p.Name))} (e.g. depth-anything-v2:{modelPath})");

    public static OnnxPreset? FromFileName(string fileName)
    {
        var n = fileName.ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        if (n.Contains("depth_anything") || n.Contains("depthanything"))
            return n.Contains("v2") ? OnnxPreset.DepthAnythingV2 : OnnxPreset.DepthAnythingV1;
        if (n.Contains("dpt_hybrid")) return OnnxPreset.DptHybrid;
        if (n.Contains("dpt")) return OnnxPreset.DptLarge;
        if (n.Contains("midas")) return n.Contains("small") ? OnnxPreset.MidasSmall : OnnxPreset.MidasV21;
        return null;
    }

    static OnnxPreset? FromTensorNames(OnnxModelLayout layout) => (layout.InputName, layout.OutputName) switch
    {
        ("image", "depth") or ("pixel_values", "predicted_depth") => OnnxPreset.DepthAnythingV2,
        (OnnxPreset.BetterDepthCnnInput, OnnxPreset.BetterDepthCnnOutput) => OnnxPreset.BetterDepthCnn,
        _ => null,
    };
}
