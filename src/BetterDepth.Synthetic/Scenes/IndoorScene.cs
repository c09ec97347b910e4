using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic.Scenes;

/// <summary>
/// A room: floor, four walls and a ceiling (planes), furniture with thin legs, open shelves with small
/// objects, lamps on thin poles, plants, balls and cylinders standing in front of each other, lit by
/// ceiling and floor lamps with shadows. The camera stands near one wall looking into the room.
/// </summary>
internal static class IndoorScene
{
    /// <summary>Draws a scene and a camera from <paramref name="random"/>; the floor / ground is <c>Primitives[0]</c>, the plane y = 0.</summary>
    public static (Scene Scene, PinholeCamera Camera) Generate(SceneRandom random, int width, int height)
    {
        var b = new SceneBuilder();
        var props = new Props(b, random);
        double roomW = random.Range(4, 8), roomD = random.Range(5, 9), roomH = random.Range(2.5, 3.2);

        int floor = b.AddMaterial(Palette.Floor(random));
        int wall = b.AddMaterial(Palette.Wall(random));
        int accentWall = random.Chance(0.4) ? b.AddMaterial(Palette.Wall(random)) : wall;
        int ceiling = b.AddMaterial(Material.Plain(random.Jitter(new Vec3(0.88, 0.87, 0.85), 0.05), 0.01));
        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitY, floor));
        b.Add(Plane.Through(new Vec3(0, roomH, 0), -Vec3.UnitY, ceiling));
        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitX, wall));
        b.Add(Plane.Through(new Vec3(roomW, 0, 0), -Vec3.UnitX, wall));
        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitZ, wall));
        b.Add(Plane.Through(new Vec3(0, 0, roomD), -Vec3.UnitZ, accentWall));

        int wood = b.AddMaterial(Palette.Wood(random));
        int wood2 = b.AddMaterial(Palette.Wood(random));
        int metal = b.AddMaterial(Palette.Metal(random));
        int marble = b.AddMaterial(Palette.Marble(random));
        var painted = Enumerable.Range(0, 4).Select(_ => b.AddMaterial(Palette.Painted(random))).ToArray();
        int leaves = b.AddMaterial(Palette.Leaves(random));
        var warm = random.Jitter(new Vec3(1.0, 0.85, 0.65), 0.08);
        int shade = b.AddMaterial(Material.Plain(new Vec3(0.9, 0.85, 0.75), 0.0) with { Emission = warm * 0.9 });

        // Camera near the z = 0 wall looking into the room, so the room fills the view.
        // Heights from a robot's or a child's eye to a tripod held high; pitch from looking down at the floor to
        // level; fields of view from a phone's tele lens to a wide-angle one.
        var eye = new Vec3(random.Range(0.8, roomW - 0.8), random.Range(0.5, 2.2), random.Range(0.3, 1.2));
        var target = new Vec3(random.Range(0.8, roomW - 0.8), random.Range(0.0, 1.6), roomD * random.Range(0.5, 1.0));
        var camera = PinholeCamera.LookAt(eye, target, random.Range(45, 100), width, height, random.Range(-0.06, 0.06));

        // Footprints (x, z, radius) taken so far; the camera's own spot is kept clear.
        var taken = new Footprints();
        taken.Take(eye.X, eye.Z, 0.8);
        bool TryPlace(double radius, bool againstWall, out Vec3 at, out double yaw)
        {
            for (int attempt = 0; attempt < 30; attempt++)
            {
                double x, z;
                yaw = random.Range(-Math.PI, Math.PI);
                if (againstWall)
                {
                    int side = random.Int(0, 3); // left, right, back wall
                    (x, z, yaw) = side switch
                    {
                        0 => (radius * 0.5 + 0.02, random.Range(1, roomD - 0.5), Math.PI / 2),
                        1 => (roomW - radius * 0.5 - 0.02, random.Range(1, roomD - 0.5), -Math.PI / 2),
                        _ => (random.Range(0.6, roomW - 0.6), roomD - radius * 0.5 - 0.02, Math.PI),
                    };
                }
                else
                {
                    x = random.Range(radius, roomW - radius);
                    z = random.Range(radius + 0.8, roomD - radius);
                }
                if (taken.TryTake(x, z, radius))
                {
                    at = new Vec3(x, 0, z);
                    return true;
                }
            }
            at = Vec3.Zero; yaw = 0;
            return false;
        }

        // Ceiling lights: emissive discs with a point light just below each.
        int ceilingLights = random.Int(1, 4);
        for (int k = 0; k < ceilingLights; k++)
        {
            var at = new Vec3(random.Range(1, roomW - 1), roomH, random.Range(1.5, roomD - 1));
            if (random.Chance(0.5))
            {
                // Pendant: a thin cord down to a shade.
                double drop = random.Range(0.4, 0.9);
                props.Rod(at - new Vec3(0, drop, 0), at, 0.006, metal);
                props.Rod(at - new Vec3(0, drop + 0.2, 0), at - new Vec3(0, drop, 0), random.Range(0.15, 0.25), shade);
                at -= new Vec3(0, drop + 0.05, 0);
            }
            else props.Rod(at - new Vec3(0, 0.03, 0), at, 0.25, shade);
            b.Lights.Add(new PointLight(at - new Vec3(0, 0.3, 0), warm * random.Range(2.5, 4.5)));
        }

        int pieces = random.Int(5, 20);
        for (int k = 0; k < pieces; k++)
        {
            int what = random.Int(0, 10);
            int color = random.Pick(painted);
            switch (what)
            {
                case 0 or 1 when TryPlace(1.0, false, out var at, out var yaw):
                    props.Table(at, yaw, random.Chance(0.5) ? wood : marble, random.Chance(0.5) ? metal : wood);
                    // Things on the table.
                    for (int n = random.Int(0, 4); n > 0; n--)
                    {
                        var on = Props.Place(at, yaw, new Vec3(random.Range(-0.35, 0.35), 0.76, random.Range(-0.25, 0.25)));
                        if (random.Chance(0.5)) props.Ball(on + new Vec3(0, 0.06, 0), random.Range(0.04, 0.1), random.Pick(painted));
                        else props.Rod(on, on + new Vec3(0, random.Range(0.08, 0.3), 0), random.Range(0.025, 0.06), random.Pick(painted));
                    }
                    // Chairs around it.
                    for (int n = random.Int(0, 3); n > 0; n--)
                        if (TryPlace(0.35, false, out var cat, out _))
                            props.Chair(cat, Math.Atan2(at.X - cat.X, at.Z - cat.Z) + Math.PI, random.Chance(0.5) ? wood2 : color, random.Chance(0.5) ? metal : wood2);
                    break;
                case 2 when TryPlace(1.2, true, out var at, out var yaw):
                    props.Shelf(at, yaw, wood2, painted);
                    break;
                case 3 when TryPlace(0.4, false, out var at, out _):
                    b.Lights.Add(new PointLight(props.FloorLamp(at, metal, shade), warm * random.Range(0.6, 1.2)));
                    break;
                case 4 when TryPlace(0.35, false, out var at, out var yaw):
                    props.Chair(at, yaw, color, metal);
                    break;
                case 5 when TryPlace(0.7, true, out var at, out var yaw):
                    // Cabinet or sofa-like block.
                    double hx = random.Range(0.4, 0.9), hh = random.Range(0.3, 0.55), hz = random.Range(0.25, 0.4);
                    props.Block(at, yaw, new Vec3(0, hh, 0), new Vec3(hx, hh, hz), random.Chance(0.5) ? wood : color);
                    break;
                case 6 when TryPlace(0.5, false, out var at, out _):
                    props.Plant(at, color, leaves, leaves);
                    break;
                case 7 when TryPlace(0.35, false, out var at, out _):
                    props.CoatRack(at, metal, color);
                    break;
                case 8 when TryPlace(0.4, false, out var at, out _):
                    double r = random.Range(0.1, 0.35);
                    props.Ball(at + new Vec3(0, r, 0), r, color);
                    break;
                case 9 when TryPlace(0.3, false, out var at, out _):
                    props.Rod(at, at + new Vec3(0, random.Range(0.3, 1.1), 0), random.Range(0.08, 0.25), color);
                    break;
            }
        }

        // Frames on the back wall and, sometimes, a rug.
        for (int n = random.Int(0, 4); n > 0; n--)
        {
            var center = new Vec3(random.Range(0.6, roomW - 0.6), random.Range(1.2, 2.0), roomD - 0.02);
            var half = new Vec3(random.Range(0.15, 0.5), random.Range(0.15, 0.4), 0.02);
            b.Add(Box.FromCorners(center - half, center + half, random.Pick(painted)));
        }
        if (random.Chance(0.5))
        {
            var center = new Vec3(roomW * random.Range(0.3, 0.7), 0.005, roomD * random.Range(0.4, 0.7));
            b.Add(Box.Upright(center, new Vec3(random.Range(0.6, 1.4), 0.005, random.Range(0.5, 1.0)), random.Range(-0.3, 0.3), random.Pick(painted)));
        }

        var look = new SceneLook(SkyHorizon: new Vec3(0.8, 0.8, 0.8), SkyZenith: new Vec3(0.8, 0.8, 0.8),
            AmbientSky: warm * random.Range(0.08, 0.3), AmbientGround: warm * random.Range(0.04, 0.15),
            HazeColor: Vec3.Zero, HazeDistance: 0, MaxDepth: 80, Exposure: random.Range(0.9, 2.2));
        return (b.Build(look), camera);
    }
}
