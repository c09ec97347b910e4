namespace BetterDepth.Synthetic.Scenes;

/// <summary>Circles (x, z, radius) taken on a floor or a desk top; a new object's circle may not overlap any of them.</summary>
internal sealed class Footprints
{
    readonly List<(double X, double Z, double R)> taken = [];

    /// <summary>Keeps a spot clear whatever overlaps it (the camera's own).</summary>
    public void Take(double x, double z, double radius) => taken.Add((x, z, radius));

    /// <summary>Takes the circle if it overlaps none taken so far.</summary>
    public bool TryTake(double x, double z, double radius)
    {
        foreach (var t in taken)
            if ((t.X - x) * (t.X - x) + (t.Z - z) * (t.Z - z) <= (t.R + radius) * (t.R + radius)) return false;
        taken.Add((x, z, radius));
        return true;
    }
}
