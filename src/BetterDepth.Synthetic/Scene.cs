using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic;

/// <summary>
/// Everything the ray caster needs: geometry (indexed by a BVH), materials, lights, and the look of what
/// no geometry covers (sky colour, hemispheric ambient light, haze). Built with <see cref="SceneBuilder"/>.
/// </summary>
internal sealed class Scene
{
    public IReadOnlyList<Primitive> Primitives { get; }
    public IReadOnlyList<Material> Materials { get; }
    public IReadOnlyList<Light> Lights { get; }
    public SceneLook Look { get; }
    internal Bvh Bvh { get; }
    readonly Dictionary<Primitive, int> ids;

    public Scene(IReadOnlyList<Primitive> primitives, IReadOnlyList<Material> materials, IReadOnlyList<Light> lights, SceneLook look)
    {
        foreach (var p in primitives)
            if (p.Material < 0 || p.Material >= materials.Count)
                throw new ArgumentException($"primitive {p.GetType().Name} uses material {p.Material}, scene has {materials.Count}", nameof(primitives));
        Primitives = primitives; Materials = materials; Lights = lights; Look = look;
        Bvh = new Bvh(primitives);
        ids = new Dictionary<Primitive, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < primitives.Count; i++) ids[primitives[i]] = i;
    }

    /// <summary>Index of a primitive in <see cref="Primitives"/>.</summary>
    public int IdOf(Primitive p) => ids[p];
}

/// <summary>
/// Scene-wide appearance. Depth beyond <see cref="MaxDepth"/> is reported invalid (like a range sensor's
/// limit); <see cref="HazeDistance"/> 0 means no haze.
/// </summary>
internal sealed record SceneLook(Vec3 SkyHorizon, Vec3 SkyZenith, Vec3 AmbientSky, Vec3 AmbientGround,
                               Vec3 HazeColor, double HazeDistance, double MaxDepth, double Exposure = 1.0);

/// <summary>Collects materials, primitives and lights while a generator composes a scene.</summary>
internal sealed class SceneBuilder
{
    public List<Material> Materials { get; } = [];
    public List<Primitive> Primitives { get; } = [];
    public List<Light> Lights { get; } = [];

    public int AddMaterial(Material m) { Materials.Add(m); return Materials.Count - 1; }

    public T Add<T>(T primitive) where T : Primitive { Primitives.Add(primitive); return primitive; }

    public Scene Build(SceneLook look) => new([.. Primitives], [.. Materials], [.. Lights], look);
}
