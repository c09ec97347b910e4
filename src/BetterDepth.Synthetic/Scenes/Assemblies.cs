namespace BetterDepth.Synthetic.Scenes;

/// <summary>How far an assembled object reaches: its height and the radius of its footprint about its origin.</summary>
internal readonly record struct Extent(double Height, double Radius);

/// <summary>
/// Complex objects assembled from many primitives, shown alone in front of a backdrop (like a Middlebury
/// scene): frames of thin tubes, spoked wheels, lattices. Each is built at <c>scale</c> times its
/// real size (a toy below 1), standing on <c>origin</c>, its length along local z.
/// </summary>
internal static class Assemblies
{
    /// <summary>A bicycle: diamond frame of tubes, fork, bars, saddle, and two wheels of rim segments and thin spokes.</summary>
    public static Extent Bicycle(this Props p, Vec3 origin, double yaw, double scale, DeskMaterials m)
    {
        var r = p.Random;
        Vec3 W(Vec3 local) => Props.Place(origin, yaw, local * scale);
        Vec3 Across(double x) => Props.Place(Vec3.Zero, yaw, new Vec3(x, 0, 0) * scale);
        double wheel = r.Range(0.3, 0.36), half = r.Range(0.48, 0.55), tube = r.Range(0.012, 0.02) * scale;
        int frame = m.Color(r);
        var crank = new Vec3(0, wheel * 0.85, -0.05);
        var seat = new Vec3(0, wheel + r.Range(0.45, 0.55), -0.2);
        var head = new Vec3(0, wheel + r.Range(0.45, 0.52), half - 0.14);
        var headLow = new Vec3(0, wheel + 0.3, half - 0.1);
        p.Rod(W(crank), W(seat), tube, frame);
        p.Rod(W(seat), W(head), tube, frame);
        p.Rod(W(crank), W(headLow), tube * 1.2, frame);
        p.Rod(W(headLow), W(head), tube * 1.2, frame);
        foreach (double side in (ReadOnlySpan<double>)[-0.05, 0.05])
        {
            var rearHub = W(new Vec3(side, wheel, -half));
            p.Rod(W(crank), rearHub, tube * 0.7, frame);
            p.Rod(W(seat), rearHub, tube * 0.7, frame);
            p.Rod(W(headLow), W(new Vec3(side, wheel, half)), tube * 0.8, frame);
        }
        var stem = W(new Vec3(0, wheel + r.Range(0.55, 0.65), half - 0.2));
        p.Rod(W(head), stem, tube, m.Metal);
        double bar = r.Range(0.2, 0.3);
        p.Rod(stem - Across(bar), stem + Across(bar), tube * 0.9, m.Metal);
        var saddle = seat + new Vec3(0, r.Range(0.05, 0.15), 0);
        p.Rod(W(seat), W(saddle), tube * 0.8, m.Metal);
        p.Block(origin, yaw, (saddle + new Vec3(0, 0.02, 0)) * scale, new Vec3(0.07, 0.025, 0.13) * scale, m.Dark);
        p.Rod(W(crank) - Across(0.1), W(crank) + Across(0.1), tube * 0.6, m.Metal);
        p.Rod(W(crank) - Across(0.035), W(crank) + Across(0.035), 0.1 * scale, m.Metal); // chainring
        var axle = Props.Place(Vec3.Zero, yaw, Vec3.UnitX);
        foreach (double z in (ReadOnlySpan<double>)[-half, half])
            p.SpokedWheel(W(new Vec3(0, wheel, z)), axle, wheel * scale, r.Range(0.012, 0.02) * scale, r.Int(12, 25), m.Dark, m.Metal);
        return new Extent((wheel + 0.65) * scale, (half + wheel) * scale);
    }

    /// <summary>A motorbike: fat tyres with rims and brake discs, tank, seat, engine block, exhausts, fork, bars with mirrors on thin stems.</summary>
    public static Extent Motorbike(this Props p, Vec3 origin, double yaw, double scale, DeskMaterials m)
    {
        var r = p.Random;
        Vec3 L(double x, double y, double z) => Props.Place(origin, yaw, new Vec3(x, y, z) * scale);
        Vec3 D(double x, double y, double z) => Props.Place(Vec3.Zero, yaw, new Vec3(x, y, z) * scale);
        double wheel = r.Range(0.29, 0.34), half = r.Range(0.68, 0.76), tyre = r.Range(0.05, 0.09);
        int paint = m.Color(r);
        foreach (double z in (ReadOnlySpan<double>)[-half, half])
        {
            var hub = L(0, wheel, z);
            p.Rod(hub - D(tyre, 0, 0), hub + D(tyre, 0, 0), wheel * scale, m.Dark);
            p.Rod(hub - D(tyre + 0.01, 0, 0), hub + D(tyre + 0.01, 0, 0), wheel * 0.62 * scale, m.Metal);
            p.Rod(hub + D(tyre + 0.01, 0, 0), hub + D(tyre + 0.02, 0, 0), wheel * 0.5 * scale, m.Metal);
            // Mudguard: a thin slab over the tyre.
            p.Block(origin, yaw, new Vec3(0, 2 * wheel + 0.03, z) * scale, new Vec3(tyre + 0.015, 0.006, wheel * 0.6) * scale, paint);
        }
        double seatY = r.Range(0.75, 0.85);
        p.Block(origin, yaw, new Vec3(0, 0.45, -0.05) * scale, new Vec3(0.17, 0.15, 0.25) * scale, m.Metal);           // engine
        p.Block(origin, yaw, new Vec3(0, seatY + 0.05, 0.2) * scale, new Vec3(0.15, r.Range(0.08, 0.12), 0.22) * scale, paint); // tank
        p.Block(origin, yaw, new Vec3(0, seatY, -0.35) * scale, new Vec3(0.14, 0.05, 0.3) * scale, m.Dark);               // seat
        p.Block(origin, yaw, new Vec3(0, seatY - 0.1, -0.55) * scale, new Vec3(0.1, 0.06, 0.2) * scale, paint);          // tail
        p.Rod(L(0, 0.35, 0.1), L(0, seatY - 0.05, 0.35), 0.03 * scale, m.Metal);                                          // frame tube
        foreach (double side in (ReadOnlySpan<double>)[-1, 1])
        {
            if (side > 0 || r.Chance(0.5))
                p.Rod(L(side * 0.12, 0.3, 0), L(side * 0.16, 0.4, -half - 0.15), r.Range(0.03, 0.045) * scale, m.Metal); // exhaust
            p.Rod(L(side * 0.08, seatY - 0.05, -0.2), L(side * (tyre + 0.03), wheel, -half), 0.018 * scale, m.Metal);      // rear shock
            p.Rod(L(side * (tyre + 0.03), wheel, half), L(side * 0.1, seatY + 0.22, half - 0.25), 0.022 * scale, m.Metal); // fork leg
            var grip = L(side * 0.36, seatY + 0.3, half - 0.3);
            p.Rod(L(0, seatY + 0.26, half - 0.27), grip, 0.012 * scale, m.Metal);                                           // bar
            var mirror = grip + D(-side * 0.05, 0.22, 0.02);
            p.Rod(grip - D(side * 0.05, 0, 0), mirror, 0.004 * scale, m.Metal);                                             // mirror stem
            p.Rod(mirror, mirror + D(0, 0, 0.015), 0.045 * scale, m.Dark);
        }
        p.Rod(L(0, seatY + 0.12, half - 0.15), L(0, seatY + 0.12, half - 0.05), 0.08 * scale, m.Metal);                    // headlight
        return new Extent((seatY + 0.55) * scale, (half + wheel + 0.15) * scale);
    }

    /// <summary>A toy robot: box legs and body, ball joints, arms of rods ending in thin claws, a head with antennas.</summary>
    public static Extent Robot(this Props p, Vec3 origin, double yaw, double scale, DeskMaterials m)
    {
        var r = p.Random;
        Vec3 L(double x, double y, double z) => Props.Place(origin, yaw, new Vec3(x, y, z) * scale);
        int body = m.Color(r), trim = m.Color(r);
        double leg = r.Range(0.1, 0.18), torso = r.Range(0.1, 0.16), width = r.Range(0.07, 0.11);
        foreach (double side in (ReadOnlySpan<double>)[-1, 1])
        {
            p.Block(origin, yaw, new Vec3(side * width * 0.55, 0.015, 0.02) * scale, new Vec3(0.03, 0.015, 0.045) * scale, trim);
            p.Rod(L(side * width * 0.55, 0.03, 0), L(side * width * 0.55, leg, 0), 0.012 * scale, m.Metal);
            var shoulder = L(side * (width + 0.02), leg + torso * 1.7, 0);
            var elbow = shoulder + Props.Place(Vec3.Zero, yaw, new Vec3(side * r.Range(0.02, 0.06), -r.Range(0.05, 0.1), r.Range(0, 0.08)) * scale);
            var hand = elbow + Props.Place(Vec3.Zero, yaw, new Vec3(0, r.Range(-0.06, 0.04), r.Range(0.04, 0.09)) * scale);
            p.Ball(shoulder, 0.022 * scale, trim);
            p.Rod(shoulder, elbow, 0.008 * scale, m.Metal);
            p.Ball(elbow, 0.014 * scale, trim);
            p.Rod(elbow, hand, 0.007 * scale, m.Metal);
            foreach (double finger in (ReadOnlySpan<double>)[-0.012, 0.012])
                p.Rod(hand, hand + Props.Place(Vec3.Zero, yaw, new Vec3(finger, 0.01, 0.03) * scale), 0.0025 * scale, m.Metal);
        }
        p.Block(origin, yaw, new Vec3(0, leg + torso, 0) * scale, new Vec3(width, torso, width * 0.7) * scale, body);
        double headY = leg + 2 * torso + 0.06;
        p.Rod(L(0, leg + 2 * torso, 0), L(0, headY - 0.04, 0), 0.01 * scale, m.Metal);
        p.Block(origin, yaw, new Vec3(0, headY, 0) * scale, new Vec3(0.05, 0.04, 0.04) * scale, trim);
        foreach (double side in (ReadOnlySpan<double>)[-1, 1])
        {
            p.Ball(L(side * 0.022, headY + 0.01, -0.04), 0.01 * scale, m.Dark);
            var tip = L(side * r.Range(0.02, 0.06), headY + r.Range(0.08, 0.14), r.Range(-0.02, 0.02));
            p.Rod(L(side * 0.02, headY + 0.04, 0), tip, 0.0025 * scale, m.Metal);
            p.Ball(tip, 0.008 * scale, m.Color(r));
        }
        return new Extent((headY + 0.14) * scale, 0.22 * scale);
    }

    /// <summary>A ball-and-stick model: balls on a branching tree of thin sticks, on a post above a round foot.</summary>
    public static Extent Molecule(this Props p, Vec3 origin, double scale, DeskMaterials m)
    {
        var r = p.Random;
        double post = r.Range(0.1, 0.25);
        p.Rod(origin, origin + new Vec3(0, 0.015 * scale, 0), 0.08 * scale, m.Dark);
        var root = origin + new Vec3(0, post * scale, 0);
        p.Rod(origin, root, 0.006 * scale, m.Metal);
        var atoms = new List<Vec3> { root };
        int colors = r.Int(2, 4);
        p.Ball(root, 0.035 * scale, m.Colors[0]);
        for (int n = r.Int(6, 16); n > 0; n--)
        {
            var from = r.Pick(atoms);
            var direction = new Vec3(r.Range(-1, 1), r.Range(-0.5, 1), r.Range(-1, 1));
            if (direction.Length < 0.1) continue;
            var to = from + direction.Normalized() * r.Range(0.07, 0.14) * scale;
            if (to.Y < origin.Y + 0.05 * scale) continue;
            p.Rod(from, to, r.Range(0.003, 0.007) * scale, m.Paper);
            p.Ball(to, r.Range(0.015, 0.035) * scale, m.Colors[r.Int(0, colors)]);
            atoms.Add(to);
        }
        double top = atoms.Max(a => a.Y) - origin.Y, reach = atoms.Max(a => Math.Sqrt((a.X - origin.X) * (a.X - origin.X) + (a.Z - origin.Z) * (a.Z - origin.Z)));
        return new Extent(top + 0.04 * scale, Math.Max(reach, 0.08 * scale) + 0.04 * scale);
    }

    /// <summary>A toy crane: a lattice tower of four posts and zigzag braces, a lattice jib, a thin cable with a hook.</summary>
    public static Extent Crane(this Props p, Vec3 origin, double yaw, double scale, DeskMaterials m)
    {
        var r = p.Random;
        Vec3 L(double x, double y, double z) => Props.Place(origin, yaw, new Vec3(x, y, z) * scale);
        double w = r.Range(0.03, 0.05), height = r.Range(0.45, 0.8), jib = r.Range(0.3, 0.6), bar = r.Range(0.003, 0.006) * scale;
        int steel = r.Chance(0.6) ? m.Color(r) : m.Metal;
        p.Block(origin, yaw, new Vec3(0, 0.02, 0) * scale, new Vec3(w * 2.5, 0.02, w * 2.5) * scale, m.Dark);
        int segments = (int)Math.Round(height / (2 * w));
        (double, double)[] corners = [(-w, -w), (w, -w), (w, w), (-w, w)];
        foreach (var (x, z) in corners) p.Rod(L(x, 0.04, z), L(x, height, z), bar, steel);
        for (int s = 0; s < segments; s++)
        {
            double y0 = 0.04 + s * (height - 0.04) / segments, y1 = y0 + (height - 0.04) / segments;
            for (int c = 0; c < 4; c++)
            {
                var (xa, za) = corners[c];
                var (xb, zb) = corners[(c + 1) % 4];
                p.Rod(L(xa, s % 2 == 0 ? y0 : y1, za), L(xb, s % 2 == 0 ? y1 : y0, zb), bar * 0.7, steel);
            }
        }
        // Jib along local z: two bottom chords and a top chord, braced.
        int bays = Math.Max(2, (int)Math.Round((jib + 0.15) / (2 * w)));
        double z0 = -0.15, step = (jib + 0.15) / bays;
        p.Rod(L(-w, height, z0), L(-w, height, jib), bar, steel);
        p.Rod(L(w, height, z0), L(w, height, jib), bar, steel);
        p.Rod(L(0, height + 1.5 * w, z0), L(0, height + 1.5 * w, jib), bar, steel);
        for (int s = 0; s <= bays; s++)
        {
            double z = z0 + s * step;
            p.Rod(L(-w, height, z), L(0, height + 1.5 * w, z + step / 2 > jib ? jib : z + step / 2), bar * 0.7, steel);
            p.Rod(L(w, height, z), L(0, height + 1.5 * w, z + step / 2 > jib ? jib : z + step / 2), bar * 0.7, steel);
        }
        p.Block(origin, yaw, new Vec3(0, height - 0.01, -0.12) * scale, new Vec3(w * 1.2, 0.03, 0.04) * scale, m.Dark); // counterweight
        double hookZ = r.Range(0.4, 0.95) * jib, hookY = height * r.Range(0.2, 0.7);
        p.Rod(L(0, height, hookZ), L(0, hookY, hookZ), 0.0012 * scale, m.Dark);
        p.Block(origin, yaw, new Vec3(0, hookY - 0.01, hookZ) * scale, new Vec3(0.01, 0.012, 0.006) * scale, m.Color(r));
        return new Extent((height + 2 * w) * scale, jib * scale);
    }

    /// <summary>A wheel whose rim is a ring of short tubes and whose hub is joined to the rim by thin spokes.</summary>
    public static void SpokedWheel(this Props p, Vec3 hub, Vec3 axle, double radius, double rimTube, int spokes, int tyre, int metal)
    {
        var (u, v) = Vec3.Basis(axle);
        const int Segments = 24;
        Vec3 Rim(double angle, double at) => hub + (u * Math.Cos(angle) + v * Math.Sin(angle)) * at;
        for (int k = 0; k < Segments; k++)
            p.Rod(Rim(2 * Math.PI * k / Segments, radius - rimTube), Rim(2 * Math.PI * (k + 1) / Segments, radius - rimTube), rimTube, tyre);
        p.Rod(hub - axle * radius * 0.12, hub + axle * radius * 0.12, radius * 0.06, metal);
        double spoke = Math.Max(radius * 0.006, 0.0008);
        for (int k = 0; k < spokes; k++)
        {
            double angle = 2 * Math.PI * (k + 0.5) / spokes, side = k % 2 == 0 ? 1 : -1;
            p.Rod(hub + axle * side * radius * 0.1, Rim(angle, radius - 2 * rimTube), spoke, metal);
        }
    }
}
