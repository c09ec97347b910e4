namespace BetterDepth.Synthetic.Geometry;

/// <summary>Where a ray met a surface: world normal (not yet facing the viewer), and the point and normal in the primitive's own frame, which textures are painted in.</summary>
internal readonly record struct SurfacePoint(Vec3 Normal, Vec3 LocalPoint, Vec3 LocalNormal);

/// <summary>An analytic surface the ray caster can intersect.</summary>
internal abstract class Primitive
{
    /// <summary>Index into the scene's material list.</summary>
    public int Material { get; init; }

    /// <summary>World bounds; <see cref="Aabb.Infinite"/> for unbounded primitives (kept out of the BVH).</summary>
    public abstract Aabb Bounds { get; }

    /// <summary>Nearest hit distance in (tMin, tMax), if any.</summary>
    public abstract bool Intersect(in Ray ray, double tMin, double tMax, out double t);

    /// <summary>Surface description at a point known to lie on the primitive (only computed for the closest hit).</summary>
    public abstract SurfacePoint SurfaceAt(Vec3 point);
}
