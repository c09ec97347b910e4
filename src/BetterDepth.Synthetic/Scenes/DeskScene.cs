using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic.Scenes;

/// <summary>
/// Close-up views like real RGB-D photos of a desk (TUM) or of an object in front of a backdrop (Middlebury), with
/// depths of 0.3-4 m. Mostly a desk against a wall seen from 0.4-2 m, looking down 10-60 degrees: screens on thin
/// stands, a laptop, a keyboard, books stacked and leaning, mugs, bottles, pens, cables, a lamp on thin arms, small
/// plants, sometimes a shelf above and a chair back or a shelf edge in the foreground. Otherwise one object assembled
/// from many primitives (a bicycle, motorbike, toy robot, ball-and-stick model or toy crane) on the floor or a plinth,
/// 0.5-2 m in front of a plain or patterned wall. Lit by a desk lamp, a window, ceiling lights, or dimly.
/// </summary>
internal static class DeskScene
{
    enum Lighting { Lamp, Window, Ceiling, Dim }

    /// <summary>What a composition leaves to the room and the lights: the view, the point it looks at, a lamp's bulb, the room's extent and a backdrop.</summary>
    sealed record Stage(PinholeCamera Camera, Vec3 Focus, Vec3? Bulb, double WallZ, double HalfWidth, double FrontZ, int? Backdrop = null);

    /// <summary>Draws a scene and a camera from <paramref name="random"/>; the floor is <c>Primitives[0]</c>, the plane y = 0.</summary>
    public static (Scene Scene, PinholeCamera Camera) Generate(SceneRandom random, int width, int height)
    {
        var b = new SceneBuilder();
        var props = new Props(b, random);
        int floor = b.AddMaterial(Palette.Floor(random));
        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitY, floor));
        var kit = DeskMaterials.Draw(b, random);
        var lighting = (Lighting)random.Int(0, 4);
        var stage = random.Chance(0.3)
            ? ObjectBeforeBackdrop(props, kit, width, height)
            : Desk(props, kit, lighting == Lighting.Lamp || random.Chance(0.3), width, height);

        // The room closes around the view, so every pixel has depth.
        var eye = stage.Camera.Position;
        double roomH = Math.Max(random.Range(2.4, 3.0), eye.Y + 0.5);
        int wall = b.AddMaterial(Palette.Wall(random));
        b.Add(Plane.Through(new Vec3(0, 0, stage.WallZ), -Vec3.UnitZ, stage.Backdrop ?? wall));
        b.Add(Plane.Through(new Vec3(-stage.HalfWidth, 0, 0), Vec3.UnitX, wall));
        b.Add(Plane.Through(new Vec3(stage.HalfWidth, 0, 0), -Vec3.UnitX, wall));
        b.Add(Plane.Through(new Vec3(0, 0, stage.FrontZ), Vec3.UnitZ, wall));
        b.Add(Plane.Through(new Vec3(0, roomH, 0), -Vec3.UnitY, b.AddMaterial(Material.Plain(random.Jitter(new Vec3(0.88, 0.87, 0.85), 0.05), 0.01))));

        // Lights are set by the irradiance they give where the camera looks, so every mode is exposed alike.
        var warm = random.Jitter(new Vec3(1.0, 0.85, 0.65), 0.08);
        double strength = lighting == Lighting.Dim ? random.Range(0.15, 0.4) : random.Range(0.7, 1.6);
        void Light(Vec3 at, Vec3 color, double irradiance) =>
            b.Lights.Add(new PointLight(at, color * irradiance * Vec3.Dot(at - stage.Focus, at - stage.Focus)));
        int glow = b.AddMaterial(Material.Plain(new Vec3(0.9, 0.9, 0.9), 0) with { Emission = warm * 1.5 });
        void CeilingLight(Vec3 at, double irradiance)
        {
            props.Rod(at - new Vec3(0, 0.03, 0), at, random.Range(0.12, 0.25), glow);
            Light(at - new Vec3(0, 0.25, 0), warm, irradiance);
        }
        switch (lighting)
        {
            case Lighting.Lamp when stage.Bulb is { } bulb:
                Light(bulb, warm, strength);
                break;
            case Lighting.Lamp:
                // A photo lamp to one side of the camera.
                var lamp = stage.Focus + new Vec3(random.Range(0.5, 1.5) * (random.Chance(0.5) ? 1 : -1), random.Range(0.4, 1.2), -random.Range(0.3, 1.0));
                Light(new Vec3(Math.Clamp(lamp.X, 0.1 - stage.HalfWidth, stage.HalfWidth - 0.1), Math.Min(lamp.Y, roomH - 0.1), Math.Max(lamp.Z, stage.FrontZ + 0.1)), warm, strength);
                break;
            case Lighting.Window:
                // A bright pane in a side wall with a strong light inside the room before it: hard shadows from one side.
                double side = random.Chance(0.5) ? 1 : -1;
                var pane = new Vec3(side * stage.HalfWidth, random.Range(1.3, 1.8), random.Range(stage.FrontZ + 0.7, stage.WallZ - 0.3));
                var halfPane = new Vec3(0.01, random.Range(0.4, 0.7), random.Range(0.4, 0.8));
                b.Add(Box.FromCorners(pane - halfPane, pane + halfPane, b.AddMaterial(Material.Plain(Vec3.Zero, 0) with { Emission = random.Jitter(new Vec3(2.2, 2.3, 2.5), 0.1) })));
                Light(pane - new Vec3(side * random.Range(0.6, 1.0), 0, 0), random.Jitter(new Vec3(1.0, 0.98, 0.95), 0.05), strength * random.Range(1.2, 2.0));
                break;
            default:
                for (int n = random.Int(1, 3); n > 0; n--)
                    CeilingLight(new Vec3(stage.Focus.X + random.Range(-1, 1), roomH, stage.Focus.Z + random.Range(-1.2, 0.5)), strength);
                break;
        }
        if (lighting != Lighting.Lamp && stage.Bulb is { } on && random.Chance(0.5)) Light(on, warm, strength * random.Range(0.5, 1.0));

        double ambient = lighting == Lighting.Dim ? random.Range(0.02, 0.06) : random.Range(0.06, 0.2);
        var look = new SceneLook(SkyHorizon: new Vec3(0.8, 0.8, 0.8), SkyZenith: new Vec3(0.8, 0.8, 0.8),
            AmbientSky: warm * ambient, AmbientGround: warm * ambient * 0.5,
            HazeColor: Vec3.Zero, HazeDistance: 0, MaxDepth: 80, Exposure: random.Range(0.8, 1.3));
        return (b.Build(look), stage.Camera);
    }

    /// <summary>A camera looking at <paramref name="target"/> from <paramref name="distance"/>, turned <paramref name="yaw"/> from +z and pitched down.</summary>
    static PinholeCamera View(SceneRandom random, Vec3 target, double distance, double yaw, double pitch, double fov, int width, int height)
    {
        var forward = new Vec3(Math.Sin(yaw) * Math.Cos(pitch), -Math.Sin(pitch), Math.Cos(yaw) * Math.Cos(pitch));
        return PinholeCamera.LookAt(target - forward * distance, target, fov, width, height, random.Range(-0.04, 0.04));
    }

    static double Degrees(double d) => d * Math.PI / 180;

    /// <summary>A desk centred at the origin with its back towards the wall at +z, cluttered, and the camera in front of or above it.</summary>
    static Stage Desk(Props props, DeskMaterials kit, bool withLamp, int width, int height)
    {
        var r = props.Random;
        var b = props.Scene;
        double top = r.Range(0.68, 0.8), hx = r.Range(0.5, 0.9), hz = r.Range(0.3, 0.45), thick = r.Range(0.015, 0.035);
        double wallZ = hz + (r.Chance(0.6) ? r.Range(0.005, 0.05) : r.Range(0.1, 0.4));
        int deskTop = r.Int(0, 4) switch
        {
            0 => kit.Wood,
            1 => b.AddMaterial(Palette.Marble(r)),
            2 => kit.Dark,
            _ => b.AddMaterial(Material.Plain(r.Jitter(new Vec3(0.8, 0.8, 0.78), 0.08), 0.08)),
        };
        props.Block(Vec3.Zero, 0, new Vec3(0, top - thick, 0), new Vec3(hx, thick, hz), deskTop);
        if (r.Chance(0.5)) props.Legs(Vec3.Zero, 0, hx, hz, top - 2 * thick, r.Range(0.012, 0.03), 0.04, kit.Metal);
        else
            foreach (double sx in (ReadOnlySpan<double>)[-1, 1])
                props.Block(Vec3.Zero, 0, new Vec3(sx * (hx - 0.02), (top - 2 * thick) / 2, 0), new Vec3(0.015, (top - 2 * thick) / 2, hz - 0.02), deskTop);

        var target = new Vec3(r.Range(-0.5, 0.5) * hx, top + r.Range(0, 0.15), r.Range(-0.6, 0.4) * hz);
        // 0.4-2 m, more often near than far (the desk should fill much of the view).
        var camera = View(r, target, 0.4 + 1.6 * Math.Pow(r.NextDouble(), 1.5), Degrees(r.Range(-35, 35)), Degrees(r.Range(10, 60)), r.Range(45, 90), width, height);
        var eye = camera.Position;

        // Footprints on the desk; a camera low over the desk keeps its spot clear.
        var taken = new Footprints();
        if (Math.Abs(eye.X) < hx + 0.3 && eye.Z > -hz - 0.3 && eye.Y < top + 0.8) taken.Take(eye.X, eye.Z, 0.3);
        Vec3? near = null; // while set, things go within 0.3 m of it
        bool Place(double radius, double zFrom, double zTo, out Vec3 at)
        {
            double xMin = -hx + radius, xMax = hx - radius, zMin = Math.Max(zFrom * hz, -hz + radius), zMax = Math.Min(zTo * hz, hz - radius);
            if (near is { } c) { xMin = Math.Max(xMin, c.X - 0.3); xMax = Math.Min(xMax, c.X + 0.3); zMin = Math.Max(zMin, c.Z - 0.3); zMax = Math.Min(zMax, c.Z + 0.3); }
            for (int attempt = 0; attempt < 20 && zMin <= zMax && xMin <= xMax; attempt++)
            {
                double x = r.Range(xMin, xMax), z = r.Range(zMin, zMax);
                if (!taken.TryTake(x, z, radius)) continue;
                at = new Vec3(x, top, z);
                return true;
            }
            at = Vec3.Zero;
            return false;
        }
        // Turned towards the camera (local -z faces the viewer), give or take.
        double Facing(Vec3 at) => Math.Atan2(at.X - eye.X, at.Z - eye.Z) + r.Range(-0.3, 0.3);

        var devices = new List<Vec3>();
        int monitors = r.Chance(0.6) ? (r.Chance(0.3) ? 2 : 1) : 0;
        for (int n = 0; n < monitors; n++)
            if (Place(0.3, 0.1, 1, out var at)) { props.Monitor(at, Facing(at), kit); devices.Add(at); }
        if (r.Chance(0.35) && Place(0.2, -0.6, 0.6, out var laptop)) { props.Laptop(laptop, Facing(laptop), kit); devices.Add(laptop); }
        if (r.Chance(monitors > 0 ? 0.7 : 0.25) && Place(0.22, -1, 0, out var keyboard))
            props.Keyboard(keyboard, Facing(keyboard), kit, b.AddMaterial(new Material(Pattern.Checker, r.Jitter(new Vec3(0.1, 0.1, 0.1), 0.5), r.Jitter(new Vec3(0.7, 0.7, 0.7), 0.2), 0.018, 0.1, 30, r.Int(0, 1 << 20))));
        Vec3? bulb = null;
        if (withLamp && Place(0.1, -0.2, 1, out var lampAt))
        {
            bulb = props.DeskLamp(lampAt, Math.Atan2(-lampAt.X, -lampAt.Z) + r.Range(-0.4, 0.4), kit, kit.Color(r));
            devices.Add(lampAt);
        }
        // The first few small things go where the camera looks, so a close view is not of a bare desk top.
        for (int n = r.Int(4, 15), k = 0; k < n; k++)
        {
            near = k < 3 ? target : null;
            switch (r.Int(0, 12))
            {
                case 0 when Place(0.16, -1, 1, out var at): props.Stack(at, r.Range(-Math.PI, Math.PI), kit); break;
                case 1 when Place(0.16, -0.2, 1, out var at): props.BookRow(at - new Vec3(0.1, 0, 0), Facing(at) + r.Range(-0.5, 0.5), kit); break;
                case 2 or 3 when Place(0.06, -1, 1, out var at): props.Mug(at, r.Range(-Math.PI, Math.PI), kit); break;
                case 4 when Place(0.05, -1, 1, out var at): props.Bottle(at, kit); break;
                case 5 when Place(0.05, -1, 1, out var at): props.PenCup(at, kit); break;
                case 6 when Place(0.08, -1, 1, out var at): props.Pen(at, r.Range(-Math.PI, Math.PI), kit); break;
                case 7 when Place(0.07, -1, 1, out var at):
                    double radius = r.Range(0.02, 0.07);
                    props.Ball(at + new Vec3(0, radius, 0), radius, kit.Color(r));
                    break;
                case 8 when Place(0.12, -1, 1, out var at):
                    var half = new Vec3(r.Range(0.03, 0.1), r.Range(0.02, 0.08), r.Range(0.03, 0.1));
                    double yaw = r.Range(-Math.PI, Math.PI);
                    props.Block(at, yaw, new Vec3(0, half.Y, 0), half, kit.Color(r));
                    if (r.Chance(0.4)) props.Block(at, yaw + r.Range(-0.5, 0.5), new Vec3(0, 2 * half.Y + half.Y * 0.6, 0), half * 0.6, kit.Color(r));
                    break;
                case 9 when Place(0.12, -1, 1, out var at):
                    // Paper, a notebook, a phone or a tablet lying flat.
                    var flat = new Vec3(r.Range(0.04, 0.15), r.Range(0.002, 0.008), r.Range(0.07, 0.2));
                    props.Block(at, r.Range(-Math.PI, Math.PI), new Vec3(0, flat.Y, 0), flat, r.Chance(0.5) ? kit.Paper : r.Chance(0.5) ? kit.Dark : kit.Color(r));
                    break;
                case 10 when Place(0.1, -0.5, 1, out var at): props.Plant(at, kit.Color(r), kit.Leaves, kit.Leaves, r.Range(0.3, 0.45)); break;
                case 11 when devices.Count > 0:
                    // A cable from a device over the front edge, hanging down in front of the desk.
                    var from = r.Pick(devices);
                    var edge = new Vec3(from.X + r.Range(-0.15, 0.15), top, -hz);
                    props.Cable(from, edge, kit.Dark);
                    double cableR = r.Range(0.002, 0.004);
                    props.Rod(edge + new Vec3(0, cableR, -cableR), edge + new Vec3(r.Range(-0.1, 0.1), -r.Range(0.2, top), -r.Range(0.01, 0.08)), cableR, kit.Dark);
                    break;
            }
        }
        foreach (var device in devices)
            if (r.Chance(0.5)) props.Cable(device, new Vec3(device.X + r.Range(-0.2, 0.2), top, hz - 0.01), kit.Dark);

        // A shelf on the wall above the desk, or pictures on the wall.
        if (r.Chance(0.4) && eye.Z < wallZ - 0.4)
        {
            double y = top + r.Range(0.35, 0.65), depth = r.Range(0.15, 0.25), length = r.Range(0.3, 0.6), x = r.Range(-0.5, 0.5) * hx;
            props.Block(new Vec3(x, 0, wallZ - depth / 2), 0, new Vec3(0, y - 0.012, 0), new Vec3(length, 0.012, depth / 2), kit.Wood);
            foreach (double sx in (ReadOnlySpan<double>)[-0.8, 0.8])
                props.Block(new Vec3(x + sx * length, 0, wallZ - depth / 2), 0, new Vec3(0, y - 0.08, 0.02), new Vec3(0.008, 0.06, depth / 2 - 0.02), kit.Metal);
            var shelf = new Vec3(x - length + 0.03, y, wallZ - depth / 2);
            props.BookRow(shelf, 0, kit);
            for (double along = r.Range(0.3, 0.5); along < 2 * length - 0.06; along += r.Range(0.08, 0.2))
            {
                var at = shelf + new Vec3(along, 0, r.Range(-0.03, 0.03));
                if (r.Chance(0.5)) props.Bottle(at, kit);
                else { double radius = r.Range(0.02, 0.05); props.Ball(at + new Vec3(0, radius, 0), radius, kit.Color(r)); }
            }
        }
        for (int n = r.Int(0, 3); n > 0; n--)
        {
            var center = new Vec3(r.Range(-1.2, 1.2) * hx, top + r.Range(0.3, 0.9), wallZ - 0.008);
            var half = new Vec3(r.Range(0.08, 0.3), r.Range(0.08, 0.25), 0.008);
            b.Add(Box.FromCorners(center - half, center + half, r.Chance(0.5) ? kit.Color(r) : kit.Paper));
        }

        if (r.Chance(0.3) && eye.Z < -hz - 0.3) Foreground(props, kit, camera);
        return new Stage(camera, target, bulb, wallZ,
            HalfWidth: Math.Max(hx + r.Range(0.2, 1.5), Math.Abs(eye.X) + 0.4),
            FrontZ: Math.Min(-hz - 0.5, eye.Z) - r.Range(0.4, 1.5));
    }

    /// <summary>Close to the camera and cut by the frame: a chair back low in the view, or a shelf's side panel at one edge.</summary>
    static void Foreground(Props props, DeskMaterials kit, PinholeCamera camera)
    {
        var r = props.Random;
        int w = camera.Width, h = camera.Height;
        double yaw = Math.Atan2(camera.Forward.X, camera.Forward.Z);
        int material = r.Chance(0.5) ? kit.Wood : kit.Color(r);
        if (r.Chance(0.6))
        {
            var top = camera.Position + camera.RayThrough(w * r.Range(0.25, 0.75), h * r.Range(0.8, 0.97)).Direction * r.Range(0.25, 0.55);
            if (top.Y < 0.4) return;
            var foot = new Vec3(top.X, 0, top.Z);
            double halfW = r.Range(0.18, 0.25), halfH = r.Range(0.12, 0.22);
            if (r.Chance(0.5)) props.Block(foot, yaw, new Vec3(0, top.Y - halfH, 0), new Vec3(halfW, halfH, 0.015), material);
            else
            {
                // A rail on spindles: background shows between them.
                props.Block(foot, yaw, new Vec3(0, top.Y - 0.03, 0), new Vec3(halfW, 0.03, 0.015), material);
                int spindles = r.Int(3, 6);
                for (int k = 0; k < spindles; k++)
                {
                    var at = Props.Place(foot, yaw, new Vec3(-halfW + 0.02 + k * (2 * halfW - 0.04) / (spindles - 1), 0, 0));
                    props.Rod(at + new Vec3(0, Math.Max(0, top.Y - 2 * halfH - 0.1), 0), at + new Vec3(0, top.Y - 0.05, 0), r.Range(0.007, 0.013), material);
                }
            }
            return;
        }
        double side = r.Chance(0.5) ? 1 : -1;
        var edge = camera.Position + camera.RayThrough(side > 0 ? w * r.Range(0.85, 1.0) : w * r.Range(0, 0.15), h * 0.5).Direction * r.Range(0.35, 0.8);
        var ground = new Vec3(edge.X, 0, edge.Z);
        double tall = Math.Max(edge.Y + r.Range(0.2, 0.6), 0.5), depth = r.Range(0.12, 0.18);
        props.Block(ground, yaw, new Vec3(0, tall / 2, 0), new Vec3(0.009, tall / 2, depth), material);
        for (double y = r.Range(0.1, 0.4); y < tall - 0.05; y += r.Range(0.25, 0.4))
        {
            props.Block(ground, yaw, new Vec3(side * 0.25, y, 0), new Vec3(0.24, 0.01, depth), material);
            for (double x = 0.03; x < 0.4; x += r.Range(0.03, 0.12))
            {
                double bookH = r.Range(0.08, 0.2), bookW = r.Range(0.008, 0.02);
                if (r.Chance(0.7)) props.Block(ground, yaw, new Vec3(side * x, y + 0.01 + bookH / 2, 0), new Vec3(bookW, bookH / 2, depth * 0.8), kit.Color(r));
                x += 2 * bookW;
            }
        }
    }

    /// <summary>One assembled object on the floor or a plinth, a wall 0.5-2 m behind it, the camera framing it.</summary>
    static Stage ObjectBeforeBackdrop(Props props, DeskMaterials kit, int width, int height)
    {
        var r = props.Random;
        int what = r.Int(0, 5);
        bool vehicle = what < 2, toy = !vehicle || r.Chance(0.4);
        double scale = vehicle ? (toy ? r.Range(0.15, 0.35) : r.Range(0.9, 1.05)) : r.Range(0.7, 1.6);
        bool raised = toy && r.Chance(0.75);
        double baseY = raised ? r.Range(0.1, 0.8) : 0;
        var origin = new Vec3(0, baseY, 0);
        double yaw = vehicle ? (r.Chance(0.5) ? 1 : -1) * Math.PI / 2 + r.Range(-0.7, 0.7) : r.Range(-0.8, 0.8);
        var extent = what switch
        {
            0 => props.Bicycle(origin, yaw, scale, kit),
            1 => props.Motorbike(origin, yaw, scale, kit),
            2 => props.Robot(origin, yaw, scale, kit),
            3 => props.Molecule(origin, scale, kit),
            _ => props.Crane(origin, yaw, scale, kit),
        };

        double supportX = extent.Radius + r.Range(0.05, 0.4), supportZ = extent.Radius + r.Range(0.05, 0.3);
        if (raised)
        {
            int surface = r.Chance(0.5) ? kit.Wood : r.Chance(0.5) ? kit.Paper : kit.Color(r);
            if (baseY > 0.4 && r.Chance(0.6))
            {
                props.Block(Vec3.Zero, 0, new Vec3(0, baseY - 0.015, 0), new Vec3(supportX, 0.015, supportZ), surface);
                props.Legs(Vec3.Zero, 0, supportX, supportZ, baseY - 0.03, r.Range(0.012, 0.03), 0.04, kit.Metal);
            }
            else props.Block(Vec3.Zero, 0, new Vec3(0, baseY / 2, 0), new Vec3(supportX, baseY / 2, supportZ), surface);
        }
        // A few small things around it, on the same support.
        for (int n = r.Int(0, 4); n > 0; n--)
        {
            double angle = r.Range(-Math.PI, Math.PI), reach = extent.Radius + r.Range(0.05, raised ? 0.3 : 0.8);
            var at = new Vec3(Math.Cos(angle) * reach, baseY, Math.Sin(angle) * reach);
            if (raised && (Math.Abs(at.X) > supportX - 0.05 || Math.Abs(at.Z) > supportZ - 0.05)) continue;
            switch (r.Int(0, 4))
            {
                case 0: double radius = r.Range(0.02, 0.08); props.Ball(at + new Vec3(0, radius, 0), radius, kit.Color(r)); break;
                case 1: props.Stack(at, r.Range(-Math.PI, Math.PI), kit); break;
                case 2: props.Bottle(at, kit); break;
                default: props.Mug(at, r.Range(-Math.PI, Math.PI), kit); break;
            }
        }

        double fov = r.Range(45, 90), tanHalf = Math.Tan(Degrees(fov) / 2), fill = r.Range(0.7, 1.3);
        double distance = Math.Max(2 * extent.Radius * fill / (2 * tanHalf), extent.Height * fill / (2 * tanHalf * height / (double)width));
        distance = Math.Clamp(Math.Max(distance, extent.Radius + 0.3), 0.4, 3.2);
        var target = origin + new Vec3(0, extent.Height * r.Range(0.35, 0.6), 0);
        var camera = View(r, target, distance, Degrees(r.Range(-30, 30)), Degrees(r.Range(5, 40)), fov, width, height);
        var eye = camera.Position;
        double wallZ = Math.Max(extent.Radius, raised ? supportZ : 0) + r.Range(0.5, 2.0);
        // A wall, or a photographer's plain or mottled cloth.
        var backdrop = r.Chance(0.5) ? Palette.Wall(r)
            : new Material(Pattern.Noise, r.Jitter(new Vec3(0.5, 0.5, 0.5), 0.5), r.Jitter(new Vec3(0.4, 0.4, 0.4), 0.5), r.Range(0.2, 1.5), 0.02, 10, r.Int(0, 1 << 20));
        return new Stage(camera, target, null, wallZ,
            HalfWidth: Math.Max(Math.Abs(eye.X), Math.Max(extent.Radius, supportX)) + r.Range(0.5, 2.0),
            FrontZ: Math.Min(eye.Z, -supportZ) - r.Range(0.4, 1.5), props.Scene.AddMaterial(backdrop));
    }
}
