namespace BetterDepth.Evaluation;

/// <summary>The alignment names of Marigold's eval script (and this CLI): none, least_square, least_square_disparity.</summary>
public static class AlignmentNames
{
    public static string ToName(AlignmentMode mode) => mode switch
    {
        AlignmentMode.None => "none",
        AlignmentMode.LeastSquare => "least_square",
        AlignmentMode.LeastSquareDisparity => "least_square_disparity",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static AlignmentMode Parse(string name) => name.ToLowerInvariant() switch
    {
        "none" => AlignmentMode.None,
        "least_square" => AlignmentMode.LeastSquare,
        "least_square_disparity" => AlignmentMode.LeastSquareDisparity,
        _ => throw new ArgumentException($"unknown alignment \"{name}\": expected none, least_square or least_square_disparity"),
    };
}
