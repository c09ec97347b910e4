namespace BetterDepth.Geometry;

/// <summary>Argument checks shared by the per-pixel algorithms: every one of them names the parameter and the problem.</summary>
internal static class MapChecks
{
    public static void SameLength(int expected, int actual, string parameter, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{what} has {actual} entries but {expected} were expected", parameter);
    }

    public static void SameSize(DepthMap reference, DepthMap other, string parameter)
    {
        if (!reference.SameSizeAs(other))
            throw new ArgumentException($"size {other.Width}x{other.Height} differs from {reference.Width}x{reference.Height}", parameter);
    }

    /// <summary>NaN or infinity in a pixel that takes part in a computation would silently poison it.</summary>
    public static void FiniteWhereValid(ReadOnlySpan<float> values, ReadOnlySpan<bool> valid, string parameter)
    {
        for (int i = 0; i < values.Length; i++)
            if ((valid.IsEmpty || valid[i]) && !float.IsFinite(values[i]))
                throw new ArgumentException($"non-finite value {values[i]} at pixel {i}", parameter);
    }

    public static void FiniteEverywhere(ReadOnlySpan<float> values, string parameter) => FiniteWhereValid(values, default, parameter);
}
