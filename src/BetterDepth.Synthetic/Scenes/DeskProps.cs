using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic.Scenes;

/// <summary>The materials desk-sized things are made of, drawn once per scene.</summary>
internal sealed record DeskMaterials(int Wood, int Metal, int Dark, int Paper, int Leaves, int Screen, int[] Colors)
{
    public static DeskMaterials Draw(SceneBuilder b, SceneRandom r)
    {
        int wood = b.AddMaterial(Palette.Wood(r));
        int metal = b.AddMaterial(Palette.Metal(r));
        int dark = b.AddMaterial(Material.Plain(r.Jitter(new Vec3(0.035, 0.035, 0.04), 0.3), 0.35) with { Shininess = 60 });
        int paper = b.AddMaterial(Material.Plain(r.Jitter(new Vec3(0.85, 0.84, 0.8), 0.05), 0.02));
        int leaves = b.AddMaterial(Palette.Leaves(r));
        int screen = b.AddMaterial(Palette.Screen(r));
        var colors = Enumerable.Range(0, 6).Select(_ => b.AddMaterial(Palette.Painted(r))).ToArray();
        return new DeskMaterials(wood, metal, dark, paper, leaves, screen, colors);
    }

    public int Color(SceneRandom r) => r.Pick(Colors);
}

/// <summary>
/// Things on a desk, at the close-up scale where a pen or a cable is a few pixels wide. Each stands on the
/// surface point <c>at</c> (its y is the surface height); <c>yaw</c> turns it about the vertical, local -z faces the viewer.
/// </summary>
internal static class DeskProps
{
    /// <summary>A screen on a thin neck and a flat foot.</summary>
    public static void Monitor(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double halfW = r.Range(0.2, 0.33), halfH = halfW * r.Range(0.55, 0.65), thick = r.Range(0.006, 0.015);
        double lift = r.Range(0.06, 0.18), bezel = r.Range(0.006, 0.02);
        int body = r.Chance(0.8) ? m.Dark : m.Color(r);
        p.Block(at, yaw, new Vec3(0, 0.005, 0.03), new Vec3(r.Range(0.08, 0.13), 0.005, r.Range(0.06, 0.1)), body);
        if (r.Chance(0.5)) p.Block(at, yaw, new Vec3(0, (lift + halfH) / 2, 0.03), new Vec3(r.Range(0.015, 0.03), (lift + halfH) / 2, 0.006), body);
        else p.Rod(Props.Place(at, yaw, new Vec3(0, 0.01, 0.03)), Props.Place(at, yaw, new Vec3(0, lift + halfH, 0.03)), r.Range(0.008, 0.015), m.Metal);
        var center = new Vec3(0, lift + halfH, 0);
        p.Block(at, yaw, center, new Vec3(halfW, halfH, thick), body);
        p.Block(at, yaw, center - new Vec3(0, 0, thick + 0.001), new Vec3(halfW - bezel, halfH - bezel, 0.001), m.Screen);
    }

    /// <summary>An open laptop: a base slab and a lid hinged at its back edge, leaning back.</summary>
    public static void Laptop(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double hx = r.Range(0.14, 0.18), hz = r.Range(0.1, 0.12), slab = r.Range(0.007, 0.011), lean = r.Range(0.05, 0.6);
        int body = r.Chance(0.5) ? m.Dark : m.Metal;
        p.Block(at, yaw, new Vec3(0, slab, 0), new Vec3(hx, slab, hz), body);
        p.Block(at, yaw, new Vec3(0, 2 * slab + 0.001, -0.02), new Vec3(hx - 0.02, 0.001, hz * 0.5), r.Chance(0.5) ? m.Dark : m.Paper);
        double lidH = hz * r.Range(0.9, 1.0);
        var hinge = new Vec3(0, 2 * slab, hz);
        var lid = hinge + new Vec3(0, lidH * Math.Cos(lean), lidH * Math.Sin(lean));
        p.Tilted(at, yaw, lid, new Vec3(hx, lidH, 0.004), lean, 0, body);
        // The screen is the lid's face towards the keyboard (local -z after the lean).
        var face = lid + new Vec3(0, Math.Sin(lean), -Math.Cos(lean)) * 0.005;
        p.Tilted(at, yaw, face, new Vec3(hx - 0.012, lidH - 0.012, 0.001), lean, 0, m.Screen);
    }

    /// <summary>A keyboard (a slab with a key grid on top), sometimes with a mouse beside it.</summary>
    public static void Keyboard(this Props p, Vec3 at, double yaw, DeskMaterials m, int keys)
    {
        var r = p.Random;
        double hx = r.Range(0.17, 0.23), hz = r.Range(0.055, 0.08), hy = r.Range(0.007, 0.012);
        int body = r.Chance(0.6) ? m.Dark : m.Paper;
        p.Block(at, yaw, new Vec3(0, hy, 0), new Vec3(hx, hy, hz), body);
        p.Block(at, yaw, new Vec3(0, 2 * hy + 0.003, 0), new Vec3(hx - 0.012, 0.003, hz - 0.012), keys);
        if (r.Chance(0.6))
        {
            double x = hx + r.Range(0.06, 0.15);
            p.Block(at, yaw, new Vec3(x, 0.012, 0), new Vec3(0.03, 0.012, 0.05), body);
            p.Cable(Props.Place(at, yaw, new Vec3(x, 0, 0.05)), Props.Place(at, yaw, new Vec3(x + r.Range(-0.1, 0.1), 0, r.Range(0.2, 0.4))), m.Dark);
        }
    }

    /// <summary>Books or boxes lying on each other, each turned a little.</summary>
    public static void Stack(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double y = 0, hx = r.Range(0.08, 0.15), hz = r.Range(0.1, 0.15);
        for (int n = r.Int(2, 6); n > 0; n--)
        {
            double hy = r.Range(0.008, 0.025);
            p.Block(at, yaw + r.Range(-0.2, 0.2), new Vec3(r.Range(-0.015, 0.015), y + hy, r.Range(-0.015, 0.015)), new Vec3(hx, hy, hz), m.Color(r));
            y += 2 * hy;
            hx *= r.Range(0.8, 1.05); hz *= r.Range(0.8, 1.05);
        }
    }

    /// <summary>Books standing in a row along local x, the last one leaning on its neighbour (a wedge of background between them).</summary>
    public static void BookRow(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double x = 0, hz = r.Range(0.06, 0.1), lastH = 0;
        for (int n = r.Int(2, 7); n > 0; n--)
        {
            double hx = r.Range(0.006, 0.02), hy = r.Range(0.09, 0.14);
            p.Block(at, yaw, new Vec3(x + hx, hy, 0), new Vec3(hx, hy, hz), m.Color(r));
            x += 2 * hx + 0.001; lastH = hy;
        }
        if (!r.Chance(0.7)) return;
        double leanHx = r.Range(0.006, 0.02), leanHy = lastH * r.Range(0.8, 1.0), angle = r.Range(0.15, 0.5);
        var center = new Vec3(x + leanHx * Math.Cos(angle) + leanHy * Math.Sin(angle) + 0.002,
                              leanHx * Math.Sin(angle) + leanHy * Math.Cos(angle), 0);
        p.Tilted(at, yaw, center, new Vec3(leanHx, leanHy, hz), 0, angle, m.Color(r));
    }

    /// <summary>A mug with a handle of three thin rods.</summary>
    public static void Mug(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double radius = r.Range(0.035, 0.05), h = r.Range(0.08, 0.11), t = r.Range(0.004, 0.007);
        int color = m.Color(r);
        p.Rod(at, at + new Vec3(0, h, 0), radius, color);
        var a = Props.Place(at, yaw, new Vec3(radius - t, h * 0.25, 0));
        var b = Props.Place(at, yaw, new Vec3(radius + 0.03, h * 0.3, 0));
        var c = Props.Place(at, yaw, new Vec3(radius + 0.03, h * 0.75, 0));
        var d = Props.Place(at, yaw, new Vec3(radius - t, h * 0.8, 0));
        p.Rod(a, b, t, color); p.Rod(b, c, t, color); p.Rod(c, d, t, color);
    }

    /// <summary>A bottle: body, shoulder, neck and cap.</summary>
    public static void Bottle(this Props p, Vec3 at, DeskMaterials m)
    {
        var r = p.Random;
        double radius = r.Range(0.025, 0.045), h = r.Range(0.12, 0.24), neck = r.Range(0.009, 0.014), neckH = r.Range(0.03, 0.07);
        int glass = r.Chance(0.5) ? m.Color(r) : m.Dark;
        p.Rod(at, at + new Vec3(0, h, 0), radius, glass);
        p.Rod(at + new Vec3(0, h, 0), at + new Vec3(0, h + 0.015, 0), radius * 0.6, glass);
        p.Rod(at + new Vec3(0, h + 0.015, 0), at + new Vec3(0, h + 0.015 + neckH, 0), neck, glass);
        p.Rod(at + new Vec3(0, h + 0.015 + neckH, 0), at + new Vec3(0, h + 0.03 + neckH, 0), neck * 1.25, m.Color(r));
    }

    /// <summary>A cup of pens: thin rods leaning out over the rim.</summary>
    public static void PenCup(this Props p, Vec3 at, DeskMaterials m)
    {
        var r = p.Random;
        double radius = r.Range(0.03, 0.045), h = r.Range(0.08, 0.11);
        p.Rod(at, at + new Vec3(0, h, 0), radius, r.Chance(0.5) ? m.Metal : m.Color(r));
        for (int n = r.Int(2, 7); n > 0; n--)
        {
            double angle = r.Range(-Math.PI, Math.PI), lean = r.Range(0.01, 0.05);
            var foot = at + new Vec3(Math.Cos(angle) * radius * 0.4, 0.01, Math.Sin(angle) * radius * 0.4);
            var tip = at + new Vec3(Math.Cos(angle) * (radius + lean), h + r.Range(0.03, 0.08), Math.Sin(angle) * (radius + lean));
            p.Rod(foot, tip, r.Range(0.003, 0.005), m.Color(r));
        }
    }

    /// <summary>A pen or pencil lying on the surface.</summary>
    public static void Pen(this Props p, Vec3 at, double yaw, DeskMaterials m)
    {
        var r = p.Random;
        double radius = r.Range(0.003, 0.005), half = r.Range(0.06, 0.08);
        var along = Props.Place(Vec3.Zero, yaw, new Vec3(half, 0, 0));
        p.Rod(at + new Vec3(0, radius, 0) - along, at + new Vec3(0, radius, 0) + along, radius, m.Color(r));
    }

    /// <summary>A cable lying from <paramref name="from"/> to <paramref name="to"/> in two segments with a kink (y of both is the surface).</summary>
    public static void Cable(this Props p, Vec3 from, Vec3 to, int material)
    {
        var r = p.Random;
        double radius = r.Range(0.002, 0.004);
        var lift = new Vec3(0, radius, 0);
        var mid = Vec3.Lerp(from, to, r.Range(0.3, 0.7)) + new Vec3(r.Range(-0.06, 0.06), 0, r.Range(-0.06, 0.06));
        p.Rod(from + lift, mid + lift, radius, material);
        p.Rod(mid + lift, to + lift, radius, material);
    }

    /// <summary>A desk lamp: a foot, two thin arms with springs beside them, a shade; returns where its bulb's light is.</summary>
    public static Vec3 DeskLamp(this Props p, Vec3 at, double yaw, DeskMaterials m, int shade)
    {
        var r = p.Random;
        double lower = r.Range(0.22, 0.38), upper = r.Range(0.2, 0.34), tilt = r.Range(-0.4, 0.2), drop = r.Range(-0.3, 0.5);
        double arm = r.Range(0.005, 0.01);
        int color = r.Chance(0.5) ? m.Metal : m.Color(r);
        p.Rod(at, at + new Vec3(0, r.Range(0.015, 0.03), 0), r.Range(0.06, 0.09), color);
        Vec3 L(double x, double y, double z) => Props.Place(at, yaw, new Vec3(x, y, z));
        var foot = L(0, 0.02, 0);
        var joint = L(0, 0.02 + lower * Math.Cos(tilt), lower * Math.Sin(tilt));
        var head = joint + Props.Place(Vec3.Zero, yaw, new Vec3(0, -upper * Math.Sin(drop), upper * Math.Cos(drop)));
        p.Rod(foot, joint, arm, color);
        p.Rod(joint, head, arm, color);
        var spring = Props.Place(Vec3.Zero, yaw, new Vec3(0.02, 0, 0));
        p.Rod(foot + spring, joint + spring, 0.0015, m.Metal);
        p.Rod(joint + spring, head + spring, 0.0015, m.Metal);
        p.Ball(joint, arm * 1.8, color);
        double aim = r.Range(0.1, 0.7); // the shade's axis, from straight down towards local +z
        var down = Props.Place(Vec3.Zero, yaw, new Vec3(0, -Math.Cos(aim), Math.Sin(aim)));
        double shadeLength = r.Range(0.07, 0.12);
        p.Rod(head - down * 0.01, head + down * shadeLength, r.Range(0.04, 0.065), shade);
        return head + down * (shadeLength + 0.03);
    }
}
