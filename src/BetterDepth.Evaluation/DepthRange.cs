namespace BetterDepth.Evaluation;

/// <summary>
/// The depths (metres) a benchmark trusts: an open interval, as in Marigold's evaluation
/// (<c>depth &gt; min &amp;&amp; depth &lt; max</c>). Predictions are clipped to the closed interval.
/// </summary>
public sealed record DepthRange
{
    public double Min { get; }
    public double Max { get; }

    public DepthRange(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || min < 0 || double.IsInfinity(min) || !(max > min))
            throw new ArgumentException($"depth range must satisfy 0 <= min < max (max may be +inf), got ({min}, {max})");
        Min = min;
        Max = max;
    }

    /// <summary>Compared in float32 like Marigold's torch masks (the bounds rounded to float, as torch does with a scalar).</summary>
    public bool Contains(float depth) => depth > (float)Min && depth < (float)Max;

    public override string ToString() => $"({Min}, {Max})";
}
