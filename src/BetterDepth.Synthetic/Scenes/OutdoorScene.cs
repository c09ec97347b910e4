using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic.Scenes;

/// <summary>
/// A street along +z: road and ground plane, raised pavements, rows of buildings with windows, street
/// lights, sign posts, bollards, fences, trees, parked and driving cars, overhead wires, under a sun with
/// shadows. Sky is invalid (no depth) and so is anything beyond the 80 m range.
/// </summary>
internal static class OutdoorScene
{
    public const double MaxDepth = 80;

    /// <summary>
    /// Draws a scene and a camera from <paramref name="random"/>; the floor / ground is <c>Primitives[0]</c>, the plane y = 0.
    /// <paramref name="fromPavement"/> puts the camera at a pedestrian's eye on a pavement instead of over the road.
    /// </summary>
    public static (Scene Scene, PinholeCamera Camera) Generate(SceneRandom random, int width, int height, bool fromPavement = false)
    {
        var b = new SceneBuilder();
        var props = new Props(b, random);
        double road = random.Range(3.5, 6.5), pavement = random.Range(2, 4.5), streetEnd = random.Range(70, 160);

        int asphalt = b.AddMaterial(Palette.Asphalt(random));
        int paving = b.AddMaterial(Palette.Paving(random));
        int kerb = b.AddMaterial(Palette.Stone(random));
        int marking = b.AddMaterial(Material.Plain(new Vec3(0.8, 0.8, 0.75), 0.05));
        int metal = b.AddMaterial(Palette.Metal(random));
        int darkMetal = b.AddMaterial(Material.Plain(new Vec3(0.05, 0.06, 0.05), 0.3));
        int glass = b.AddMaterial(Material.Plain(new Vec3(0.05, 0.07, 0.09), 0.8) with { Shininess = 120 });
        int tyre = b.AddMaterial(Material.Plain(new Vec3(0.03, 0.03, 0.03), 0.05));
        int bark = b.AddMaterial(new Material(Pattern.Noise, new Vec3(0.2, 0.13, 0.08), new Vec3(0.12, 0.08, 0.05), 0.1, 0.02, 10, random.Int(0, 1 << 20)));
        int leaves = b.AddMaterial(Palette.Leaves(random));
        var facades = Enumerable.Range(0, 4).Select(_ => b.AddMaterial(random.Chance(0.75) ? Palette.Facade(random) : Palette.BrickWall(random))).ToArray();
        var paints = Enumerable.Range(0, 5).Select(_ => b.AddMaterial(Palette.Painted(random, 0.5) with { Pattern = Pattern.Solid, Shininess = 80 })).ToArray();
        int sign = b.AddMaterial(Palette.Painted(random, 0.3));

        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitY, asphalt));
        // Centre line: dashes a few millimetres proud of the road.
        for (double z = -10; z < streetEnd; z += 9)
            b.Add(Box.FromCorners(new Vec3(-0.08, 0, z), new Vec3(0.08, 0.005, z + 4), marking));

        foreach (int side in (ReadOnlySpan<int>)[-1, 1])
        {
            double inner = side * road, outer = side * (road + pavement);
            b.Add(Box.FromCorners(new Vec3(inner, 0, -20), new Vec3(outer, 0.15, streetEnd), paving));
            b.Add(Box.FromCorners(new Vec3(inner - side * 0.05, 0, -20), new Vec3(inner + side * 0.1, 0.16, streetEnd), kerb));

            // Buildings behind the pavement, with occasional gaps (the sky shows through).
            for (double z = -15; z < streetEnd;)
            {
                double length = random.Range(6, 22), gap = random.Chance(0.25) ? random.Range(2, 8) : 0;
                double setback = random.Range(0, 2.5), depth = random.Range(8, 20), tall = random.Range(6, 32);
                double x0 = side * (road + pavement + setback);
                b.Add(Box.FromCorners(new Vec3(x0, 0, z), new Vec3(x0 + side * depth, tall, z + length), random.Pick(facades)));
                if (random.Chance(0.3)) // a balcony slab or awning sticking out: a thin overhang
                {
                    double y = random.Range(2.5, Math.Min(tall - 1, 8));
                    b.Add(Box.FromCorners(new Vec3(x0, y, z + 1), new Vec3(x0 - side * random.Range(0.6, 1.5), y + 0.12, z + length - 1), kerb));
                }
                z += length + gap;
            }

            // Street furniture along the kerb.
            double kerbX = side * (road + 0.45);
            for (double z = random.Range(-5, 10); z < streetEnd - 5; z += random.Range(12, 28))
            {
                var foot = new Vec3(kerbX, 0.15, z);
                double poleH = random.Range(6, 8.5);
                props.Rod(foot, foot + new Vec3(0, poleH, 0), random.Range(0.06, 0.1), metal);
                var armEnd = foot + new Vec3(-side * random.Range(1.2, 2.2), poleH + 0.3, 0);
                props.Rod(foot + new Vec3(0, poleH - 0.1, 0), armEnd, 0.04, metal);
                b.Add(Box.FromCorners(armEnd + new Vec3(-0.3, -0.15, -0.15), armEnd + new Vec3(0.3, 0.05, 0.15), darkMetal));
            }
            for (double z = random.Range(0, 20); z < streetEnd - 5; z += random.Range(15, 45))
            {
                var foot = new Vec3(kerbX + side * random.Range(0, 0.3), 0.15, z);
                double h = random.Range(2.2, 3.2);
                props.Rod(foot, foot + new Vec3(0, h, 0), random.Range(0.025, 0.045), metal);
                if (random.Chance(0.5)) props.Rod(foot + new Vec3(0, h - 0.6, 0.02), foot + new Vec3(0, h - 0.6, -0.02), random.Range(0.25, 0.4), sign);
                else b.Add(Box.FromCorners(foot + new Vec3(-0.3, h - 0.7, -0.02), foot + new Vec3(0.3, h - 0.1, 0.02), sign));
            }
            if (random.Chance(0.5))
            {
                // A row of bollards or a fence of thin posts and rails along the pavement's outer edge.
                double z0 = random.Range(0, 30), z1 = z0 + random.Range(8, 30), x = side * (road + pavement - 0.3);
                bool fence = random.Chance(0.5);
                double step = fence ? random.Range(0.8, 1.6) : random.Range(1.2, 2.5);
                for (double z = z0; z <= z1; z += step)
                    props.Rod(new Vec3(x, 0.15, z), new Vec3(x, fence ? 1.2 : 0.95, z), fence ? 0.025 : 0.09, fence ? darkMetal : metal);
                if (fence)
                    foreach (double y in (ReadOnlySpan<double>)[0.45, 1.1])
                        props.Rod(new Vec3(x, y, z0), new Vec3(x, y, z1), 0.018, darkMetal);
            }
            for (double z = random.Range(0, 15); z < streetEnd - 10; z += random.Range(10, 30))
                if (random.Chance(0.6)) props.Tree(new Vec3(side * (road + pavement * random.Range(0.4, 0.7)), 0.15, z), bark, leaves);

            // Parked cars along this kerb.
            for (double z = random.Range(2, 12); z < streetEnd - 10; z += random.Range(5.5, 14))
                if (random.Chance(0.6))
                    props.Car(new Vec3(side * (road - 1.2), 0, z), random.Range(-0.05, 0.05), random.Pick(paints), glass, tyre);
        }
        // Moving cars in the lanes.
        for (int n = random.Int(0, 4); n > 0; n--)
            props.Car(new Vec3(random.Chance(0.5) ? -road * 0.45 : road * 0.45, 0, random.Range(8, 60)), random.Range(-0.08, 0.08), random.Pick(paints), glass, tyre);

        // Overhead wires between tall poles: the thinnest structures of all.
        if (random.Chance(0.5))
        {
            double y = random.Range(6, 9), z = random.Range(10, 40);
            for (int n = random.Int(1, 4); n > 0; n--, y += 0.4)
                props.Rod(new Vec3(-road - pavement, y, z), new Vec3(road + pavement, y + random.Range(-0.3, 0.3), z + random.Range(-2, 2)), 0.012, darkMetal);
        }
        // The street ends in a building across it (or the view runs out past the range limit).
        if (random.Chance(0.6))
            b.Add(Box.FromCorners(new Vec3(-road - pavement - 30, 0, streetEnd), new Vec3(road + pavement + 30, random.Range(8, 30), streetEnd + 15), random.Pick(facades)));

        // Low sun to noon; a quarter of the streets under an overcast sky (weak sun, strong ambient, soft shadows).
        double elevation = random.Range(0.12, 1.3), azimuth = random.Range(-Math.PI, Math.PI);
        bool overcast = random.Chance(0.25);
        var toSun = new Vec3(Math.Cos(elevation) * Math.Sin(azimuth), Math.Sin(elevation), Math.Cos(elevation) * Math.Cos(azimuth));
        var sunColor = random.Jitter(new Vec3(2.4, 2.25, 2.0), 0.08) * (overcast ? 0.3 : 1.0);
        b.Lights.Add(new DirectionalLight(-toSun, sunColor));

        var (eye, target) = fromPavement ? PedestrianView(random, road, pavement) : RoadView(random, road);
        var camera = PinholeCamera.LookAt(eye, target, random.Range(40, 95), width, height, random.Range(-0.05, 0.05));

        var horizon = random.Jitter(overcast ? new Vec3(0.78, 0.79, 0.8) : new Vec3(0.75, 0.82, 0.9), 0.05);
        var zenith = overcast ? random.Jitter(new Vec3(0.6, 0.62, 0.65), 0.05) : random.Jitter(new Vec3(0.25, 0.42, 0.75), 0.1);
        var ambient = random.Jitter(new Vec3(0.3, 0.35, 0.45), 0.1) * (overcast ? 1.8 : 1.0);
        var look = new SceneLook(SkyHorizon: horizon, SkyZenith: zenith,
            AmbientSky: ambient, AmbientGround: new Vec3(0.12, 0.11, 0.1),
            HazeColor: horizon, HazeDistance: random.Range(90, 500), MaxDepth: MaxDepth, Exposure: random.Range(0.8, 1.4));
        return (b.Build(look), camera);
    }

    /// <summary>
    /// Eye and look-at point over the road: a car's dashboard to a first-floor window (now and then a drone's view);
    /// level to steeply pitched down.
    /// </summary>
    static (Vec3 Eye, Vec3 Target) RoadView(SceneRandom random, double road)
    {
        double eyeHeight = random.Chance(0.15) ? random.Range(4.5, 10) : random.Range(1.2, 3.0);
        var eye = new Vec3(random.Range(-road + 0.8, road - 0.8), eyeHeight, random.Range(-5, 0));
        double yaw = random.Chance(0.8) ? random.Range(-0.35, 0.35) : random.Range(-1.0, 1.0);
        return (eye, eye + new Vec3(Math.Sin(yaw) * 20, random.Range(-3.5, 0.5) - (eyeHeight > 4 ? random.Range(2, 6) : 0), Math.Cos(yaw) * 20));
    }

    /// <summary>
    /// Eye and look-at point of a pedestrian on one pavement, between the kerb's posts and the bollards' line and behind
    /// the first trees (which stand at z >= 0), looking along the street, half turned to the near façades or across the
    /// road. A wall a metre or two away fills one side of the view while the street runs out tens of metres: the widest
    /// depth range in one frame, which a road camera rarely sees.
    /// </summary>
    static (Vec3 Eye, Vec3 Target) PedestrianView(SceneRandom random, double road, double pavement)
    {
        int side = random.Chance(0.5) ? -1 : 1;
        // The pavement's surface is 0.15 m above the road.
        var eye = new Vec3(side * (road + random.Range(0.8, pavement - 0.4)), 0.15 + random.Range(1.4, 1.9), random.Range(-5, 0));
        double yaw = random.NextDouble() switch
        {
            < 0.55 => random.Range(-0.3, 0.3),         // along the street
            < 0.8 => side * random.Range(0.2, 0.6),    // half turned to the near façades
            _ => -side * random.Range(0.3, 1.0),       // across the road
        };
        return (eye, eye + new Vec3(Math.Sin(yaw) * 20, random.Range(-3, 1), Math.Cos(yaw) * 20));
    }
}
