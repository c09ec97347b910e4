using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic;

/// <summary>Procedural surface patterns, painted in each primitive's own frame so they move with it.</summary>
internal enum Pattern { Solid, Checker, Stripes, Wood, Marble, Bricks, Noise, Windows, Planks }

/// <summary>
/// A surface's reflectance: a pattern mixing two albedos at a spatial <see cref="Scale"/> (metres per
/// repeat), plus a Blinn-Phong highlight. <see cref="Salt"/> decorrelates the noise of different materials.
/// </summary>
internal sealed record Material(Pattern Pattern, Vec3 ColorA, Vec3 ColorB, double Scale = 0.5,
                              double Specular = 0.04, double Shininess = 24, long Salt = 0)
{
    /// <summary>Light the surface gives off by itself (lamp shades, bulbs), added after shading.</summary>
    public Vec3 Emission { get; init; } = Vec3.Zero;

    public static Material Plain(Vec3 color, double specular = 0.04) => new(Pattern.Solid, color, color, 1, specular);

    /// <summary>Albedo and specular strength at a surface point.</summary>
    public (Vec3 Albedo, double Specular) Evaluate(in SurfacePoint s)
    {
        // 2-D pattern coordinates: the two local axes across the face (drop the normal's dominant axis).
        var p = s.LocalPoint / Scale;
        int drop = s.LocalNormal.DominantAxis();
        double u = drop == 0 ? p.Z : p.X, v = drop == 1 ? p.Z : p.Y;
        double grime = ValueNoise.Fbm(p * 3.1, 3, Salt + 17);
        double shade = 0.88 + 0.24 * grime; // every pattern gets some low-contrast noise, as real surfaces do
        switch (Pattern)
        {
            case Pattern.Solid:
                return (ColorA * (0.94 + 0.12 * grime), Specular);
            case Pattern.Checker:
            {
                bool odd = (((long)Math.Floor(u) + (long)Math.Floor(v)) & 1) != 0;
                return ((odd ? ColorB : ColorA) * shade, Specular);
            }
            case Pattern.Stripes:
            {
                double f = u - Math.Floor(u);
                double mix = Math.Clamp((Math.Abs(f - 0.5) - 0.22) * 12, 0, 1);
                return (Vec3.Lerp(ColorA, ColorB, mix) * shade, Specular);
            }
            case Pattern.Wood:
            {
                // Growth rings around the local x axis, distorted by noise.
                double r = Math.Sqrt(p.Y * p.Y + p.Z * p.Z) * 6 + 2.5 * ValueNoise.Fbm(p * new Vec3(0.4, 2, 2), 3, Salt);
                double ring = r - Math.Floor(r);
                double streak = ValueNoise.Noise(new Vec3(p.X * 0.7, p.Y * 40, p.Z * 40), Salt + 5);
                double mix = Math.Clamp(Math.Pow(ring, 3) * 0.8 + streak * 0.3, 0, 1);
                return (Vec3.Lerp(ColorA, ColorB, mix), Specular);
            }
            case Pattern.Marble:
            {
                double turbulence = ValueNoise.Fbm(p * 2, 5, Salt);
                double vein = 0.5 + 0.5 * Math.Sin((p.X + p.Y * 0.6 + turbulence * 6) * 3);
                double mix = Math.Pow(1 - vein, 6);
                return (Vec3.Lerp(ColorA, ColorB, mix), Specular);
            }
            case Pattern.Bricks:
            {
                // Bricks twice as wide as tall, every other course offset by half a brick; mortar is ColorB.
                double row = Math.Floor(v * 4);
                double col = Math.Floor(u * 2 + (((long)row & 1) != 0 ? 0.5 : 0));
                double fv = v * 4 - row, fu = u * 2 + (((long)row & 1) != 0 ? 0.5 : 0) - col;
                bool mortar = fv < 0.08 || fu < 0.04;
                if (mortar) return (ColorB * shade, Specular * 0.5);
                double brick = ValueNoise.Hash((long)col, (long)row, drop, Salt);
                return (ColorA * (0.75 + 0.45 * brick) * shade, Specular);
            }
            case Pattern.Noise:
            {
                double n = ValueNoise.Fbm(p, 5, Salt);
                return (Vec3.Lerp(ColorA, ColorB, Math.Clamp((n - 0.3) * 2.5, 0, 1)), Specular);
            }
            case Pattern.Windows:
            {
                // A facade: a grid of glass panes (ColorB, shiny) in a wall of ColorA; floors about 3 m apart.
                double fu = u - Math.Floor(u), fv = v - Math.Floor(v);
                bool glass = drop != 1 && fu > 0.2 && fu < 0.8 && fv > 0.25 && fv < 0.8;
                if (!glass) return (ColorA * shade, Specular);
                double lit = ValueNoise.Hash((long)Math.Floor(u), (long)Math.Floor(v), drop, Salt);
                return (ColorB * (0.6 + 0.8 * lit), 0.5);
            }
            case Pattern.Planks:
            {
                // Floorboards: strips along u, each with its own tone and a dark seam.
                double plank = Math.Floor(v * 5);
                double fv = v * 5 - plank;
                double tone = ValueNoise.Hash((long)plank, 0, drop, Salt);
                double grain = ValueNoise.Noise(new Vec3(u * 2, plank * 7.3, fv * 20), Salt);
                var color = Vec3.Lerp(ColorA, ColorB, Math.Clamp(tone * 0.7 + grain * 0.4, 0, 1));
                return (fv < 0.04 ? color * 0.45 : color, Specular);
            }
            default:
                throw new InvalidOperationException($"unknown pattern {Pattern}");
        }
    }
}
