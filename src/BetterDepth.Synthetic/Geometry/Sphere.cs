namespace BetterDepth.Synthetic.Geometry;

internal sealed class Sphere(Vec3 center, double radius) : Primitive
{
    public Vec3 Center { get; } = center;
    public double Radius { get; } = radius > 0 ? radius : throw new ArgumentOutOfRangeException(nameof(radius), "sphere radius must be positive");

    public override Aabb Bounds => new(Center - new Vec3(Radius, Radius, Radius), Center + new Vec3(Radius, Radius, Radius));

    public override bool Intersect(in Ray ray, double tMin, double tMax, out double t)
    {
        // |o + t d - c|^2 = r^2 with a general (non-unit) d: a t^2 + 2 b t + c = 0.
        var oc = ray.Origin - Center;
        double a = Vec3.Dot(ray.Direction, ray.Direction);
        double b = Vec3.Dot(oc, ray.Direction);
        double c = Vec3.Dot(oc, oc) - Radius * Radius;
        double discriminant = b * b - a * c;
        t = 0;
        if (discriminant < 0) return false;
        double root = Math.Sqrt(discriminant);
        // The numerically stable pair of roots (no cancellation when b ~ root).
        double q = b > 0 ? -(b + root) : -(b - root);
        double r0 = q / a, r1 = q != 0 ? c / q : r0;
        if (r0 > r1) (r0, r1) = (r1, r0);
        t = r0 > tMin ? r0 : r1;
        return t > tMin && t < tMax;
    }

    public override SurfacePoint SurfaceAt(Vec3 point)
    {
        var normal = (point - Center) / Radius;
        return new(normal, point - Center, normal);
    }
}
