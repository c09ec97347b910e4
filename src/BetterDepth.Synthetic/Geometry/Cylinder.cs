namespace BetterDepth.Synthetic.Geometry;

/// <summary>A capped cylinder from <see cref="Base"/> along a unit axis for <see cref="Length"/> (legs, poles, wheels, wires).</summary>
internal sealed class Cylinder : Primitive
{
    public Vec3 Base { get; }
    public Vec3 Axis { get; }
    public double Length { get; }
    public double Radius { get; }
    readonly Vec3 u, v;
    readonly Aabb bounds;

    public Cylinder(Vec3 from, Vec3 to, double radius)
    {
        var axis = to - from;
        double length = axis.Length;
        if (!(length > 0) || !(radius > 0))
            throw new ArgumentOutOfRangeException(nameof(radius), $"cylinder needs positive length and radius, got {length} and {radius}");
        Base = from; Axis = axis / length; Length = length; Radius = radius;
        (u, v) = Vec3.Basis(Axis);
        // Disc bounds: along world axis i a rim extends r * sqrt(1 - a_i^2).
        var rim = new Vec3(radius * Math.Sqrt(Math.Max(0, 1 - Axis.X * Axis.X)),
                           radius * Math.Sqrt(Math.Max(0, 1 - Axis.Y * Axis.Y)),
                           radius * Math.Sqrt(Math.Max(0, 1 - Axis.Z * Axis.Z)));
        bounds = new Aabb(Vec3.Min(from, to) - rim, Vec3.Max(from, to) + rim);
    }

    public override Aabb Bounds => bounds;

    public override bool Intersect(in Ray ray, double tMin, double tMax, out double t)
    {
        // Work in the frame (u, v, axis) with the base at the origin.
        var rel = ray.Origin - Base;
        double ox = Vec3.Dot(rel, u), oy = Vec3.Dot(rel, v), oz = Vec3.Dot(rel, Axis);
        double dx = Vec3.Dot(ray.Direction, u), dy = Vec3.Dot(ray.Direction, v), dz = Vec3.Dot(ray.Direction, Axis);
        double best = double.PositiveInfinity;
        double r2 = Radius * Radius;

        // Side: (ox + t dx)^2 + (oy + t dy)^2 = r^2, with 0 <= z <= L.
        double a = dx * dx + dy * dy;
        if (a > 0)
        {
            double b = ox * dx + oy * dy, c = ox * ox + oy * oy - r2;
            double discriminant = b * b - a * c;
            if (discriminant >= 0)
            {
                double root = Math.Sqrt(discriminant);
                double q = b > 0 ? -(b + root) : -(b - root);
                double r0 = q / a, r1 = q != 0 ? c / q : r0;
                if (r0 > r1) (r0, r1) = (r1, r0);
                foreach (double candidate in (ReadOnlySpan<double>)[r0, r1])
                {
                    if (candidate <= tMin || candidate >= tMax || candidate >= best) continue;
                    double z = oz + candidate * dz;
                    if (z >= 0 && z <= Length) { best = candidate; break; }
                }
            }
        }
        // Caps: z = 0 and z = L, inside the disc.
        if (dz != 0)
        {
            foreach (double capZ in (ReadOnlySpan<double>)[0.0, Length])
            {
                double candidate = (capZ - oz) / dz;
                if (candidate <= tMin || candidate >= tMax || candidate >= best) continue;
                double x = ox + candidate * dx, y = oy + candidate * dy;
                if (x * x + y * y <= r2) best = candidate;
            }
        }
        t = best;
        return best < tMax;
    }

    public override SurfacePoint SurfaceAt(Vec3 point)
    {
        var rel = point - Base;
        double x = Vec3.Dot(rel, u), y = Vec3.Dot(rel, v), z = Vec3.Dot(rel, Axis);
        double radial = Math.Sqrt(x * x + y * y);
        double capDistance = Math.Min(z, Length - z), sideDistance = Math.Abs(Radius - radial);
        var local = new Vec3(x, y, z);
        if (capDistance < sideDistance)
        {
            double sign = z < Length * 0.5 ? -1 : 1;
            return new(Axis * sign, local, new Vec3(0, 0, sign));
        }
        var localNormal = radial > 0 ? new Vec3(x / radial, y / radial, 0) : new Vec3(1, 0, 0);
        return new(u * localNormal.X + v * localNormal.Y, local, localNormal);
    }
}
