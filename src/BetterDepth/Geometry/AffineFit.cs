namespace BetterDepth.Geometry;

/// <summary>A scale and shift that maps a prediction p onto a target: <c>Scale * p + Shift</c>.</summary>
public readonly record struct AffineFit(double Scale, double Shift)
{
    public static AffineFit Identity => new(1.0, 0.0);

    public double Apply(double value) => Scale * value + Shift;
}
