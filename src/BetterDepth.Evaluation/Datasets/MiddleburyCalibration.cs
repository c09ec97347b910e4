using System.Globalization;

namespace BetterDepth.Evaluation.Datasets;

/// <summary>
/// The calib.txt of a Middlebury 2014 scene: <c>key=value</c> lines; cam0 is a 3x3 matrix
/// <c>[f 0 cx; 0 f cy; 0 0 1]</c>, baseline in mm, doffs = x-difference of the principal points (pixels).
/// </summary>
internal sealed record MiddleburyCalibration(double FocalLength, double Baseline, double Doffs)
{
    public static MiddleburyCalibration Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"calibration file not found: {path}", path);
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(path))
        {
            var eq = line.IndexOf('=');
            if (eq > 0) entries[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        string Entry(string key) => entries.TryGetValue(key, out var v) ? v : throw new InvalidFileException(path, $"no \"{key}=\" line");
        double Number(string text, string what) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw new InvalidFileException(path, $"{what} is not a number: \"{text}\"");

        var cam0 = Entry("cam0").Trim('[', ']').Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries);
        if (cam0.Length != 9) throw new InvalidFileException(path, $"cam0 must be a 3x3 matrix, got {cam0.Length} numbers");
        var focal = Number(cam0[0], "cam0 focal length");
        var baseline = Number(Entry("baseline"), "baseline");
        var doffs = Number(Entry("doffs"), "doffs");
        if (focal <= 0 || baseline <= 0) throw new InvalidFileException(path, $"focal length and baseline must be positive, got {focal} and {baseline}");
        return new MiddleburyCalibration(focal, baseline, doffs);
    }

    /// <summary>Depth in metres of a disparity in pixels: baseline * f / (d + doffs), baseline in mm.</summary>
    public double DepthMetres(double disparity) => Baseline * FocalLength / (disparity + Doffs) / 1000.0;
}
