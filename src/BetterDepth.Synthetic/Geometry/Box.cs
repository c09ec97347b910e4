namespace BetterDepth.Synthetic.Geometry;

/// <summary>
/// An oriented box: centre, three orthonormal axes and half extents along them. Axis-aligned boxes are
/// the special case with the world axes; rotated furniture, cars and buildings use other frames.
/// </summary>
internal sealed class Box : Primitive
{
    public Vec3 Center { get; }
    public Vec3 AxisU { get; }
    public Vec3 AxisV { get; }
    public Vec3 AxisW { get; }
    public Vec3 HalfSize { get; }
    readonly Aabb bounds;

    public Box(Vec3 center, Vec3 halfSize, Vec3 axisU, Vec3 axisV, Vec3 axisW)
    {
        if (!(halfSize.X > 0 && halfSize.Y > 0 && halfSize.Z > 0))
            throw new ArgumentOutOfRangeException(nameof(halfSize), $"box half sizes must be positive, got {halfSize}");
        Center = center; HalfSize = halfSize; AxisU = axisU; AxisV = axisV; AxisW = axisW;
        // Extent of an oriented box along each world axis: sum of |axis component| * half size.
        var extent = new Vec3(
            Math.Abs(axisU.X) * halfSize.X + Math.Abs(axisV.X) * halfSize.Y + Math.Abs(axisW.X) * halfSize.Z,
            Math.Abs(axisU.Y) * halfSize.X + Math.Abs(axisV.Y) * halfSize.Y + Math.Abs(axisW.Y) * halfSize.Z,
            Math.Abs(axisU.Z) * halfSize.X + Math.Abs(axisV.Z) * halfSize.Y + Math.Abs(axisW.Z) * halfSize.Z);
        bounds = new Aabb(center - extent, center + extent);
    }

    /// <summary>An axis-aligned box from its corners.</summary>
    public static Box FromCorners(Vec3 a, Vec3 b, int material)
    {
        var min = Vec3.Min(a, b); var max = Vec3.Max(a, b);
        return new Box((min + max) * 0.5, (max - min) * 0.5, Vec3.UnitX, Vec3.UnitY, Vec3.UnitZ) { Material = material };
    }

    /// <summary>A box standing upright, turned by <paramref name="yaw"/> radians about the vertical (y) axis.</summary>
    public static Box Upright(Vec3 center, Vec3 halfSize, double yaw, int material)
    {
        double c = Math.Cos(yaw), s = Math.Sin(yaw);
        return new Box(center, halfSize, new Vec3(c, 0, -s), Vec3.UnitY, new Vec3(s, 0, c)) { Material = material };
    }

    public override Aabb Bounds => bounds;

    Vec3 ToLocal(Vec3 v) => new(Vec3.Dot(v, AxisU), Vec3.Dot(v, AxisV), Vec3.Dot(v, AxisW));

    public override bool Intersect(in Ray ray, double tMin, double tMax, out double t)
    {
        var o = ToLocal(ray.Origin - Center);
        var d = ToLocal(ray.Direction);
        double near = double.NegativeInfinity, far = double.PositiveInfinity;
        t = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            double oa = o[axis], da = d[axis], h = HalfSize[axis];
            if (da == 0)
            {
                if (oa < -h || oa > h) return false;
                continue;
            }
            double inv = 1.0 / da, t0 = (-h - oa) * inv, t1 = (h - oa) * inv;
            if (t0 > t1) (t0, t1) = (t1, t0);
            if (t0 > near) near = t0;
            if (t1 < far) far = t1;
            if (near > far) return false;
        }
        t = near > tMin ? near : far;
        return t > tMin && t < tMax;
    }

    public override SurfacePoint SurfaceAt(Vec3 point)
    {
        var local = ToLocal(point - Center);
        // The face is the axis where the point is relatively closest to the box's boundary.
        var relative = new Vec3(local.X / HalfSize.X, local.Y / HalfSize.Y, local.Z / HalfSize.Z);
        int axis = relative.DominantAxis();
        double sign = relative[axis] >= 0 ? 1 : -1;
        var localNormal = axis switch { 0 => new Vec3(sign, 0, 0), 1 => new Vec3(0, sign, 0), _ => new Vec3(0, 0, sign) };
        var normal = axis switch { 0 => AxisU * sign, 1 => AxisV * sign, _ => AxisW * sign };
        return new(normal, local, localNormal);
    }
}
