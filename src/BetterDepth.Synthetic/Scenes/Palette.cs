namespace BetterDepth.Synthetic.Scenes;

/// <summary>Random but plausible surface materials (albedos in linear RGB).</summary>
internal static class Palette
{
    static Vec3 C(double r, double g, double b) => new(r, g, b);

    static readonly Vec3[] Woods = [C(0.45, 0.25, 0.12), C(0.6, 0.38, 0.2), C(0.3, 0.16, 0.08), C(0.7, 0.52, 0.32)];
    static readonly Vec3[] Pastels = [C(0.8, 0.78, 0.7), C(0.7, 0.75, 0.8), C(0.85, 0.8, 0.65), C(0.65, 0.75, 0.65), C(0.8, 0.65, 0.6), C(0.9, 0.9, 0.88)];
    static readonly Vec3[] Vivid = [C(0.7, 0.1, 0.08), C(0.1, 0.3, 0.65), C(0.1, 0.5, 0.2), C(0.8, 0.6, 0.05), C(0.5, 0.15, 0.5), C(0.05, 0.05, 0.05), C(0.85, 0.85, 0.85), C(0.9, 0.35, 0.1)];
    static readonly Vec3[] Stones = [C(0.55, 0.52, 0.48), C(0.4, 0.38, 0.36), C(0.65, 0.6, 0.55), C(0.3, 0.3, 0.32)];
    static readonly Vec3[] Bricks = [C(0.5, 0.2, 0.12), C(0.6, 0.32, 0.2), C(0.42, 0.28, 0.22), C(0.7, 0.6, 0.45)];

    public static Material Wood(SceneRandom r)
    {
        var a = r.Jitter(r.Pick(Woods), 0.15);
        return new Material(Pattern.Wood, a, a * 0.55, r.Range(0.4, 1.2), 0.08, 30, r.Int(0, 1 << 20));
    }

    public static Material Floor(SceneRandom r)
    {
        switch (r.Int(0, 4))
        {
            case 0:
                var a = r.Jitter(r.Pick(Woods), 0.15);
                return new Material(Pattern.Planks, a, a * 0.7, r.Range(0.8, 1.4), 0.1, 40, r.Int(0, 1 << 20));
            case 1:
                return new Material(Pattern.Checker, r.Jitter(r.Pick(Pastels), 0.1), r.Jitter(r.Pick(Stones), 0.2) * 0.6, r.Range(0.3, 0.6), 0.15, 60, r.Int(0, 1 << 20));
            case 2:
                return new Material(Pattern.Marble, r.Jitter(C(0.85, 0.83, 0.8), 0.05), r.Jitter(r.Pick(Stones), 0.2) * 0.5, r.Range(0.5, 1.5), 0.3, 80, r.Int(0, 1 << 20));
            default:
                return new Material(Pattern.Noise, r.Jitter(r.Pick(Pastels), 0.2) * 0.7, r.Jitter(r.Pick(Stones), 0.2) * 0.5, r.Range(0.1, 0.4), 0.02, 10, r.Int(0, 1 << 20)); // carpet
        }
    }

    public static Material Wall(SceneRandom r)
    {
        var a = r.Jitter(r.Pick(Pastels), 0.1);
        return r.Int(0, 4) switch
        {
            0 => new Material(Pattern.Stripes, a, a * r.Range(0.7, 0.9), r.Range(0.15, 0.4), 0.02, 10, r.Int(0, 1 << 20)),
            1 => new Material(Pattern.Bricks, r.Jitter(r.Pick(Bricks), 0.15), C(0.7, 0.68, 0.62), r.Range(0.5, 0.7), 0.02, 10, r.Int(0, 1 << 20)),
            2 => new Material(Pattern.Noise, a, a * 0.8, r.Range(0.3, 1.0), 0.02, 10, r.Int(0, 1 << 20)),
            _ => Material.Plain(a, 0.02),
        };
    }

    public static Material Painted(SceneRandom r, double specular = 0.2)
    {
        var a = r.Jitter(r.Pick(Vivid), 0.15);
        return r.Chance(0.3)
            ? new Material(Pattern.Checker, a, r.Jitter(r.Pick(Vivid), 0.15), r.Range(0.05, 0.2), specular, 40, r.Int(0, 1 << 20))
            : r.Chance(0.3)
                ? new Material(Pattern.Stripes, a, a * 0.4, r.Range(0.05, 0.15), specular, 40, r.Int(0, 1 << 20))
                : new Material(Pattern.Solid, a, a, 1, specular, 40, r.Int(0, 1 << 20));
    }

    /// <summary>A screen: glowing with a pattern of text lines, windows or a picture, or switched off (dark and glossy).</summary>
    public static Material Screen(SceneRandom r)
    {
        if (r.Chance(0.25)) return Material.Plain(r.Jitter(C(0.02, 0.02, 0.025), 0.3), 0.5) with { Shininess = 120 };
        var a = r.Jitter(r.Pick(Pastels), 0.1);
        var b = r.Jitter(r.Pick(Vivid), 0.2);
        var pattern = r.Pick([Pattern.Stripes, Pattern.Checker, Pattern.Noise, Pattern.Windows]);
        return new Material(pattern, a, b, r.Range(0.02, 0.12), 0.3, 80, r.Int(0, 1 << 20)) with { Emission = r.Jitter(C(0.6, 0.62, 0.7), 0.2) * r.Range(0.3, 0.8) };
    }

    public static Material Metal(SceneRandom r) => Material.Plain(r.Jitter(C(0.25, 0.25, 0.27), 0.3), 0.6) with { Shininess = 60 };

    public static Material Marble(SceneRandom r) =>
        new(Pattern.Marble, r.Jitter(C(0.82, 0.8, 0.78), 0.05), r.Jitter(r.Pick(Stones), 0.2) * 0.4, r.Range(0.2, 0.6), 0.4, 80, r.Int(0, 1 << 20));

    public static Material Leaves(SceneRandom r) =>
        new(Pattern.Noise, r.Jitter(C(0.12, 0.3, 0.08), 0.25), r.Jitter(C(0.25, 0.45, 0.1), 0.25), r.Range(0.15, 0.4), 0.03, 10, r.Int(0, 1 << 20));

    public static Material Facade(SceneRandom r)
    {
        var wall = r.Chance(0.5) ? r.Jitter(r.Pick(Bricks), 0.15) : r.Jitter(r.Pick(Pastels), 0.15) * 0.8;
        var glass = r.Jitter(C(0.12, 0.16, 0.2), 0.3);
        return new Material(Pattern.Windows, wall, glass, r.Range(2.6, 3.6), 0.05, 40, r.Int(0, 1 << 20));
    }

    public static Material BrickWall(SceneRandom r) =>
        new(Pattern.Bricks, r.Jitter(r.Pick(Bricks), 0.15), C(0.55, 0.53, 0.5), r.Range(0.5, 0.8), 0.02, 10, r.Int(0, 1 << 20));

    public static Material Stone(SceneRandom r) =>
        new(Pattern.Noise, r.Jitter(r.Pick(Stones), 0.1), r.Jitter(r.Pick(Stones), 0.1) * 0.8, r.Range(0.5, 2), 0.03, 10, r.Int(0, 1 << 20));

    public static Material Asphalt(SceneRandom r) =>
        new(Pattern.Noise, r.Jitter(C(0.09, 0.09, 0.1), 0.2), r.Jitter(C(0.16, 0.16, 0.16), 0.2), r.Range(0.3, 1.0), 0.05, 20, r.Int(0, 1 << 20));

    public static Material Paving(SceneRandom r) =>
        new(Pattern.Checker, r.Jitter(r.Pick(Stones), 0.1), r.Jitter(r.Pick(Stones), 0.1) * 0.85, r.Range(0.4, 0.8), 0.03, 10, r.Int(0, 1 << 20));
}
