using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic.Scenes;

/// <summary>
/// Objects made of primitives, shared by the scene generators (desk-sized ones are in DeskProps, assembled
/// objects in Assemblies). Positions are on the floor (y = 0 is the ground), <c>yaw</c> turns an object about
/// the vertical axis.
/// </summary>
internal sealed class Props(SceneBuilder scene, SceneRandom random)
{
    public SceneBuilder Scene { get; } = scene;
    public SceneRandom Random { get; } = random;

    /// <summary>Point <paramref name="local"/> of an object standing at <paramref name="origin"/> turned by <paramref name="yaw"/>.</summary>
    public static Vec3 Place(Vec3 origin, double yaw, Vec3 local)
    {
        double c = Math.Cos(yaw), s = Math.Sin(yaw);
        return origin + new Vec3(local.X * c + local.Z * s, local.Y, -local.X * s + local.Z * c);
    }

    public Box Block(Vec3 origin, double yaw, Vec3 localCenter, Vec3 halfSize, int material) =>
        Scene.Add(Box.Upright(Place(origin, yaw, localCenter), halfSize, yaw, material));

    public Cylinder Rod(Vec3 from, Vec3 to, double radius, int material) =>
        Scene.Add(new Cylinder(from, to, radius) { Material = material });

    public Sphere Ball(Vec3 center, double radius, int material) => Scene.Add(new Sphere(center, radius) { Material = material });

    /// <summary>
    /// A box turned by <paramref name="roll"/> about its local z (leaning sideways), then <paramref name="pitch"/> about
    /// local x (top towards +z), then placed like <see cref="Block"/>: leaning books, an open laptop lid.
    /// </summary>
    public Box Tilted(Vec3 origin, double yaw, Vec3 localCenter, Vec3 halfSize, double pitch, double roll, int material)
    {
        var (u, v, w) = TiltAxes(yaw, pitch, roll);
        return Scene.Add(new Box(Place(origin, yaw, localCenter), halfSize, u, v, w) { Material = material });
    }

    /// <summary>The world directions of a <see cref="Tilted"/> box's local x, y and z.</summary>
    public static (Vec3 U, Vec3 V, Vec3 W) TiltAxes(double yaw, double pitch, double roll)
    {
        double cr = Math.Cos(roll), sr = Math.Sin(roll), cp = Math.Cos(pitch), sp = Math.Sin(pitch);
        Vec3 Pitch(Vec3 a) => new(a.X, a.Y * cp - a.Z * sp, a.Y * sp + a.Z * cp);
        return (Place(Vec3.Zero, yaw, Pitch(new Vec3(cr, sr, 0))), Place(Vec3.Zero, yaw, Pitch(new Vec3(-sr, cr, 0))), Place(Vec3.Zero, yaw, Pitch(Vec3.UnitZ)));
    }

    /// <summary>Four thin legs under a rectangle of half size (hx, hz) inset by <paramref name="inset"/>.</summary>
    public void Legs(Vec3 origin, double yaw, double hx, double hz, double height, double radius, double inset, int material)
    {
        foreach (var (sx, sz) in (ReadOnlySpan<(int, int)>)[(-1, -1), (1, -1), (-1, 1), (1, 1)])
        {
            var foot = Place(origin, yaw, new Vec3(sx * (hx - inset), 0, sz * (hz - inset)));
            Rod(foot, foot + new Vec3(0, height, 0), radius, material);
        }
    }

    public void Table(Vec3 origin, double yaw, int top, int legs)
    {
        double hx = Random.Range(0.4, 0.9), hz = Random.Range(0.35, 0.6), height = Random.Range(0.7, 0.78), thick = Random.Range(0.02, 0.05);
        Block(origin, yaw, new Vec3(0, height - thick, 0), new Vec3(hx, thick, hz), top);
        Legs(origin, yaw, hx, hz, height - 2 * thick, Random.Range(0.015, 0.035), 0.06, legs);
    }

    public void Chair(Vec3 origin, double yaw, int seat, int legs)
    {
        double half = Random.Range(0.2, 0.25), seatHeight = Random.Range(0.42, 0.48);
        Block(origin, yaw, new Vec3(0, seatHeight, 0), new Vec3(half, 0.02, half), seat);
        Legs(origin, yaw, half, half, seatHeight - 0.02, Random.Range(0.012, 0.02), 0.03, legs);
        double backHeight = Random.Range(0.35, 0.5);
        if (Random.Chance(0.5))
            Block(origin, yaw, new Vec3(0, seatHeight + backHeight / 2 + 0.02, half - 0.015), new Vec3(half, backHeight / 2, 0.015), seat);
        else
        {
            // A back of thin vertical spindles: thin structures with background between them.
            Block(origin, yaw, new Vec3(0, seatHeight + backHeight, half - 0.015), new Vec3(half, 0.03, 0.015), seat);
            for (double x = -half + 0.03; x <= half - 0.03 + 1e-9; x += (2 * half - 0.06) / 4)
            {
                var foot = Place(origin, yaw, new Vec3(x, seatHeight, half - 0.015));
                Rod(foot, foot + new Vec3(0, backHeight, 0), 0.01, legs);
            }
        }
    }

    public void Shelf(Vec3 origin, double yaw, int wood, IReadOnlyList<int> objectMaterials)
    {
        double hx = Random.Range(0.35, 0.8), hz = Random.Range(0.15, 0.22), height = Random.Range(1.2, 2.1);
        int boards = Random.Int(3, 6);
        Block(origin, yaw, new Vec3(-hx, height / 2, 0), new Vec3(0.015, height / 2, hz), wood);
        Block(origin, yaw, new Vec3(hx, height / 2, 0), new Vec3(0.015, height / 2, hz), wood);
        bool open = Random.Chance(0.5); // open shelves show the wall behind: depth jumps between boards
        if (!open) Block(origin, yaw, new Vec3(0, height / 2, hz - 0.005), new Vec3(hx, height / 2, 0.005), wood);
        for (int b = 0; b < boards; b++)
        {
            double y = 0.05 + b * (height - 0.07) / (boards - 1);
            Block(origin, yaw, new Vec3(0, y, 0), new Vec3(hx - 0.015, 0.012, hz), wood);
            if (b == boards - 1) break;
            // Small objects on the board: books, jars, balls.
            for (double x = -hx + 0.05; x < hx - 0.08; x += Random.Range(0.06, 0.25))
            {
                if (!Random.Chance(0.6)) continue;
                int m = Random.Pick(objectMaterials);
                double gap = (height - 0.07) / (boards - 1) - 0.03;
                switch (Random.Int(0, 3))
                {
                    case 0:
                        double bh = Math.Min(gap, Random.Range(0.12, 0.28)), bw = Random.Range(0.015, 0.04);
                        Block(origin, yaw, new Vec3(x, y + 0.012 + bh / 2, 0), new Vec3(bw, bh / 2, hz * 0.8), m);
                        x += bw;
                        break;
                    case 1:
                        double r = Math.Min(gap / 2, Random.Range(0.03, 0.07));
                        Ball(Place(origin, yaw, new Vec3(x, y + 0.012 + r, 0)), r, m);
                        break;
                    default:
                        double cr = Random.Range(0.02, 0.05), ch = Math.Min(gap, Random.Range(0.05, 0.2));
                        var at = Place(origin, yaw, new Vec3(x, y + 0.012, 0));
                        Rod(at, at + new Vec3(0, ch, 0), cr, m);
                        break;
                }
            }
        }
    }

    /// <summary>A thin pole with a base and a glowing shade; returns where to put its light.</summary>
    public Vec3 FloorLamp(Vec3 origin, int metal, int shade)
    {
        double height = Random.Range(1.3, 1.8);
        Rod(origin, origin + new Vec3(0, 0.03, 0), Random.Range(0.12, 0.18), metal);
        Rod(origin, origin + new Vec3(0, height, 0), Random.Range(0.008, 0.015), metal);
        double r = Random.Range(0.15, 0.22);
        Rod(origin + new Vec3(0, height - 0.05, 0), origin + new Vec3(0, height + 0.2, 0), r, shade);
        return origin + new Vec3(0, height - 0.12, 0);
    }

    /// <summary>A coat rack or plant stand: a pole with thin arms or balls at the top.</summary>
    public void CoatRack(Vec3 origin, int metal, int accent)
    {
        double height = Random.Range(1.6, 1.9);
        Rod(origin, origin + new Vec3(0, height, 0), 0.015, metal);
        for (int k = 0; k < 4; k++)
        {
            double angle = k * Math.PI / 2 + 0.4;
            var foot = origin + new Vec3(Math.Cos(angle) * 0.3, 0, Math.Sin(angle) * 0.3);
            Rod(foot, origin + new Vec3(0, 0.35, 0), 0.01, metal);
            var hookBase = origin + new Vec3(0, height - 0.1, 0);
            Rod(hookBase, hookBase + new Vec3(Math.Cos(angle) * 0.2, 0.12, Math.Sin(angle) * 0.2), 0.008, metal);
        }
        Ball(origin + new Vec3(0, height + 0.03, 0), 0.04, accent);
    }

    /// <summary>A potted plant: pot, thin stems, leafy balls; <paramref name="scale"/> below 1 for a pot on a desk.</summary>
    public void Plant(Vec3 origin, int pot, int stem, int leaves, double scale = 1)
    {
        double potR = Random.Range(0.12, 0.22) * scale, potH = Random.Range(0.2, 0.4) * scale;
        Rod(origin, origin + new Vec3(0, potH, 0), potR, pot);
        int stems = Random.Int(2, 6);
        for (int k = 0; k < stems; k++)
        {
            var top = origin + new Vec3(Random.Range(-0.3, 0.3) * scale, potH + Random.Range(0.3, 0.9) * scale, Random.Range(-0.3, 0.3) * scale);
            Rod(origin + new Vec3(0, potH - 0.02 * scale, 0), top, Random.Range(0.006, 0.012) * scale, stem);
            Ball(top, Random.Range(0.07, 0.16) * scale, leaves);
        }
    }

    /// <summary>A car as a group of boxes and four wheel cylinders; <paramref name="origin"/> is below its centre.</summary>
    public void Car(Vec3 origin, double yaw, int paint, int glass, int tyre)
    {
        double length = Random.Range(3.8, 4.9), width = Random.Range(1.65, 1.9), clearance = 0.3;
        double bodyHeight = Random.Range(0.55, 0.75), cabinHeight = Random.Range(0.45, 0.6), cabinLength = length * Random.Range(0.45, 0.6);
        // Local x is across the car, z along it.
        Block(origin, yaw, new Vec3(0, clearance + bodyHeight / 2, 0), new Vec3(width / 2, bodyHeight / 2, length / 2), paint);
        double cabinShift = Random.Range(-0.3, 0.1) * length / 2;
        Block(origin, yaw, new Vec3(0, clearance + bodyHeight + cabinHeight / 2, cabinShift), new Vec3(width / 2 - 0.08, cabinHeight / 2, cabinLength / 2), glass);
        double wheelR = Random.Range(0.3, 0.36);
        foreach (var (sx, sz) in (ReadOnlySpan<(int, int)>)[(-1, -1), (1, -1), (-1, 1), (1, 1)])
        {
            var hub = Place(origin, yaw, new Vec3(sx * (width / 2 - 0.12), wheelR, sz * (length / 2 - 0.75)));
            var outward = Place(Vec3.Zero, yaw, new Vec3(sx * 0.11, 0, 0));
            Rod(hub - outward, hub + outward, wheelR, tyre);
        }
    }

    /// <summary>A tree: trunk, maybe a branch, and a crown of overlapping balls.</summary>
    public void Tree(Vec3 origin, int bark, int leaves)
    {
        double trunkH = Random.Range(2.0, 4.5), trunkR = Random.Range(0.1, 0.25);
        var top = origin + new Vec3(Random.Range(-0.3, 0.3), trunkH, Random.Range(-0.3, 0.3));
        Rod(origin, top, trunkR, bark);
        int blobs = Random.Int(1, 4);
        double crown = Random.Range(1.2, 2.6);
        for (int k = 0; k < blobs; k++)
            Ball(top + new Vec3(Random.Range(-0.8, 0.8), Random.Range(0.3, 1.2) * crown, Random.Range(-0.8, 0.8)), crown * Random.Range(0.6, 1.0), leaves);
    }
}
