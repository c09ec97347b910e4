namespace BetterDepth.Evaluation;

/// <summary>Which ground-truth pixels can be evaluated at all.</summary>
public static class Validity
{
    /// <summary>
    /// Pixels with a finite positive depth, inside <paramref name="range"/> (open interval) when one is given.
    /// Positivity is required even without a range: a zero (the readers' "no data") would divide by zero in every metric.
    /// </summary>
    public static bool[] FromDepth(DepthMap depth, DepthRange? range)
    {
        var valid = new bool[depth.PixelCount];
        var values = depth.Values;
        for (var i = 0; i < valid.Length; i++)
        {
            var d = values[i];
            valid[i] = d > 0 && float.IsFinite(d) && (range is null || range.Contains(d));
        }
        return valid;
    }
}
