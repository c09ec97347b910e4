namespace BetterDepth.Synthetic.Geometry;

/// <summary>The infinite plane <c>Normal . p = Offset</c> (floors, walls, ceilings, the ground).</summary>
internal sealed class Plane : Primitive
{
    public Vec3 Normal { get; }
    public double Offset { get; }

    public Plane(Vec3 normal, double offset)
    {
        double length = normal.Length;
        if (!(length > 0)) throw new ArgumentException("plane normal must be non-zero", nameof(normal));
        Normal = normal / length;
        Offset = offset / length;
    }

    /// <summary>The plane through <paramref name="point"/> with the given normal.</summary>
    public static Plane Through(Vec3 point, Vec3 normal, int material) =>
        new(normal, Vec3.Dot(normal, point)) { Material = material };

    public override Aabb Bounds => Aabb.Infinite;

    public override bool Intersect(in Ray ray, double tMin, double tMax, out double t)
    {
        double denominator = Vec3.Dot(Normal, ray.Direction);
        t = 0;
        if (denominator == 0) return false;
        t = (Offset - Vec3.Dot(Normal, ray.Origin)) / denominator;
        return t > tMin && t < tMax;
    }

    public override SurfacePoint SurfaceAt(Vec3 point) => new(Normal, point, Normal);
}
