namespace BetterDepth.Evaluation.Datasets;

/// <summary>A benchmark whose samples are the lines of a split file, read by a <see cref="DatasetProtocol"/>.</summary>
public sealed class SplitDataset : EvaluationDataset
{
    readonly List<EvaluationSample> samples = [];
    readonly int withoutGroundTruth;

    public SplitDataset(DatasetProtocol protocol, string dataDir, string splitFile)
        : base(protocol.Name, dataDir, splitFile, protocol.Range)
    {
        Protocol = protocol;
        foreach (var line in Evaluation.SplitFile.Read(splitFile, protocol.MinColumns))
        {
            if (protocol.SkipLinesWithoutDepth && line.Columns[1] == "None") { withoutGroundTruth++; continue; }
            samples.Add(CreateSample(line));
        }
        if (samples.Count == 0) throw new InvalidFileException(splitFile, "no line of the split file has ground truth");
    }

    public DatasetProtocol Protocol { get; }
    public override IReadOnlyList<EvaluationSample> Samples => samples;
    public override int LinesWithoutGroundTruth => withoutGroundTruth;

    EvaluationSample CreateSample(SplitLine line)
    {
        var rgb = line.Columns[0];
        var depthPath = Resolve(line.Columns[1]);
        var maskPath = Protocol.MaskColumn is int column ? Resolve(line.Columns[column]) : null;
        string? marigoldName = Protocol.MarigoldPredictionName is { } name
            ? Path.Combine(Path.GetDirectoryName(rgb) ?? "", name(Path.GetFileNameWithoutExtension(rgb)) + ".npy")
            : null;
        return new EvaluationSample(rgb, rgb, maskPath is null ? [depthPath] : [depthPath, maskPath], () => Load(depthPath, maskPath))
        {
            MarigoldPredictionPath = marigoldName,
        };
    }

    string Resolve(string relative) => Path.GetFullPath(Path.Combine(DataDir, relative));

    GroundTruth Load(string depthPath, string? maskPath)
    {
        var depth = Protocol.Encoding.Read(depthPath);
        var applyRange = maskPath is null || Protocol.RangeAppliesWithMask;
        var valid = Validity.FromDepth(depth, applyRange ? Range : null);
        if (maskPath is not null)
        {
            var (mask, width, height) = MaskFile.Read(maskPath);
            if (width != depth.Width || height != depth.Height)
                throw new InvalidFileException(maskPath, $"mask is {width}x{height} but its depth map {depthPath} is {depth.Width}x{depth.Height}");
            for (var i = 0; i < valid.Length; i++) valid[i] &= mask[i];
        }

        FrameCrop? frameCrop = null;
        if (Protocol.FrameCrop is { } crop)
        {
            var box = Checked(() => crop(depth.Width, depth.Height), depthPath);
            frameCrop = new FrameCrop(box, depth.Width, depth.Height);
            valid = box.Apply(valid, depth.Width, depth.Height);
            depth = box.Apply(depth);
        }
        if (Protocol.EvaluationRegion is { } region)
            region(depth.Width, depth.Height).KeepOnlyInside(valid, depth.Width, depth.Height);
        return new GroundTruth(depth, valid) { Crop = frameCrop };
    }

    static CropBox Checked(Func<CropBox> crop, string path)
    {
        try { return crop(); }
        catch (ArgumentException e) { throw new InvalidFileException(path, e.Message, e); }
    }
}
