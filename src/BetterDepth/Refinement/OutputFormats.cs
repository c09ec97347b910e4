namespace BetterDepth.Refinement;

/// <summary>Files <c>predict</c> and <c>prior</c> can write for each map.</summary>
[Flags]
public enum OutputFormats
{
    None = 0,
    /// <summary>float32 NPY of the raw values.</summary>
    Npy = 1,
    /// <summary>16-bit grey PNG, values in [0, 1] scaled to 0..65535 (after min-max for maps outside [0, 1]).</summary>
    Png16 = 2,
    /// <summary>Colour-mapped 8-bit PNG (Spectral).</summary>
    Color = 4,
    /// <summary>Coloured point cloud (binary PLY) from the relative depth 1 / (disparity + shift).</summary>
    Ply = 8,
    /// <summary>PFM float32.</summary>
    Pfm = 16,
}

public static class OutputFormatsParser
{
    public static OutputFormats Parse(string list)
    {
        var result = OutputFormats.None;
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= raw.ToLowerInvariant() switch
            {
                "npy" => OutputFormats.Npy,
                "png16" or "png" => OutputFormats.Png16,
                "color" or "colour" => OutputFormats.Color,
                "ply" => OutputFormats.Ply,
                "pfm" => OutputFormats.Pfm,
                _ => throw new ArgumentException($"unknown output format '{raw}': use npy, png16, color, ply, pfm"),
            };
        }
        if (result == OutputFormats.None) throw new ArgumentException("no output format given");
        return result;
    }
}
