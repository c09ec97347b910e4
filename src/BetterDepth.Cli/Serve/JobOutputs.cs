using BetterDepth.Imaging;
using BetterDepth.Refinement;

namespace BetterDepth.Cli.Serve;

/// <summary>
/// The files of a finished job, under fixed public names: the formats <c>predict</c> writes (npy, 16-bit PNG, colour
/// PNG, PLY) for the refined depth and for the prior's (as unit disparity, like the refined one), the uncertainty when
/// there was an ensemble, and the input re-encoded as PNG. Clients name outputs only by these names.
/// </summary>
public static class JobOutputs
{
    const OutputFormats Formats = OutputFormats.Npy | OutputFormats.Png16 | OutputFormats.Color | OutputFormats.Ply;

    public static Dictionary<string, string> Write(string folder, RgbImage image, RefinementResult result)
    {
        Directory.CreateDirectory(folder);
        var writer = new PredictionWriter(Formats);
        var written = new List<string>();
        written.AddRange(writer.Write(Path.Combine(folder, "refined"), image, result with { Uncertainty = null }));
        written.AddRange(writer.WriteMap(Path.Combine(folder, "prior"), image, UnitDisparity(result.Prior)));
        if (result.Uncertainty is { } u) written.AddRange(writer.WriteMap(Path.Combine(folder, "uncertainty"), image, u, pointCloud: false));
        var input = Path.Combine(folder, "input.png");
        ImageFile.WritePng(input, image);
        written.Add(input);
        return written.ToDictionary(p => Path.GetFileName(p)!, p => p, StringComparer.Ordinal);
    }

    /// <summary>The prior's map min-max scaled to [0, 1] with near = 1, whatever kind the prior gives.</summary>
    public static DepthMap UnitDisparity(DepthMap map)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var x in map.Values)
            if (float.IsFinite(x)) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
        if (lo > hi) (lo, hi) = (0, 1);
        float range = hi > lo ? hi - lo : 1;
        bool flip = map.Kind.IsDepthLike();
        var v = new float[map.PixelCount];
        for (int i = 0; i < v.Length; i++)
        {
            float x = map.Values[i];
            float t = float.IsFinite(x) ? (x - lo) / range : 0;
            v[i] = flip ? 1 - t : t;
        }
        return new DepthMap(map.Width, map.Height, DepthKind.AffineDisparity, v);
    }
}
