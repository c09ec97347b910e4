namespace BetterDepth.Synthetic.Geometry;

/// <summary>
/// A ray <c>Origin + t * Direction</c>. Directions need not be unit length: camera rays use a direction
/// whose component along the optical axis is 1, so their hit distance t is the depth z itself.
/// </summary>
public readonly struct Ray(Vec3 origin, Vec3 direction)
{
    public readonly Vec3 Origin = origin;
    public readonly Vec3 Direction = direction;
    public readonly Vec3 InverseDirection = new(1.0 / direction.X, 1.0 / direction.Y, 1.0 / direction.Z);

    public Vec3 At(double t) => Origin + Direction * t;
}

/// <summary>Axis-aligned bounding box, the unit of the BVH.</summary>
public readonly record struct Aabb(Vec3 Min, Vec3 Max)
{
    public static readonly Aabb Infinite = new(new Vec3(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity),
                                               new Vec3(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity));
    public static readonly Aabb Empty = new(new Vec3(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity),
                                            new Vec3(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity));

    public bool IsFinite => double.IsFinite(Min.X) && double.IsFinite(Max.X) && double.IsFinite(Min.Y)
                            && double.IsFinite(Max.Y) && double.IsFinite(Min.Z) && double.IsFinite(Max.Z);

    public Vec3 Center => (Min + Max) * 0.5;

    public Aabb Union(Aabb other) => new(Vec3.Min(Min, other.Min), Vec3.Max(Max, other.Max));

    /// <summary>Slab test: does the ray enter the box within (tMin, tMax)?</summary>
    public bool Hit(in Ray ray, double tMin, double tMax)
    {
        double t0 = (Min.X - ray.Origin.X) * ray.InverseDirection.X, t1 = (Max.X - ray.Origin.X) * ray.InverseDirection.X;
        if (t0 > t1) (t0, t1) = (t1, t0);
        tMin = Math.Max(tMin, t0); tMax = Math.Min(tMax, t1);
        t0 = (Min.Y - ray.Origin.Y) * ray.InverseDirection.Y; t1 = (Max.Y - ray.Origin.Y) * ray.InverseDirection.Y;
        if (t0 > t1) (t0, t1) = (t1, t0);
        tMin = Math.Max(tMin, t0); tMax = Math.Min(tMax, t1);
        t0 = (Min.Z - ray.Origin.Z) * ray.InverseDirection.Z; t1 = (Max.Z - ray.Origin.Z) * ray.InverseDirection.Z;
        if (t0 > t1) (t0, t1) = (t1, t0);
        tMin = Math.Max(tMin, t0); tMax = Math.Min(tMax, t1);
        return tMin <= tMax;
    }
}
