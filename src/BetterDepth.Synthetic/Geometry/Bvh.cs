namespace BetterDepth.Synthetic.Geometry;

/// <summary>
/// Bounding volume hierarchy over the bounded primitives (median split on the widest centroid axis),
/// plus a plain list of the unbounded ones (planes). Rays skip every subtree whose box they miss, so a
/// scene of a few hundred primitives costs a handful of intersection tests per ray.
/// </summary>
internal sealed class Bvh
{
    const int LeafSize = 4;

    readonly struct Node(Aabb bounds, int start, int count, int rightChild)
    {
        public readonly Aabb Bounds = bounds;
        public readonly int Start = start;        // first primitive of a leaf
        public readonly int Count = count;        // > 0 for leaves
        public readonly int RightChild = rightChild; // inner nodes: left child is the next node
    }

    readonly Primitive[] primitives;   // bounded ones, reordered so every leaf is a contiguous range
    readonly Primitive[] unbounded;
    readonly List<Node> nodeList = [];
    readonly Node[] nodes;

    public IReadOnlyList<Primitive> Primitives { get; }

    public Bvh(IReadOnlyList<Primitive> all)
    {
        Primitives = all;
        primitives = all.Where(p => p.Bounds.IsFinite).ToArray();
        unbounded = all.Where(p => !p.Bounds.IsFinite).ToArray();
        if (primitives.Length > 0) Build(0, primitives.Length);
        nodes = [.. nodeList];
    }

    int Build(int start, int count)
    {
        var bounds = Aabb.Empty;
        var centroids = Aabb.Empty;
        for (int i = start; i < start + count; i++)
        {
            bounds = bounds.Union(primitives[i].Bounds);
            var c = primitives[i].Bounds.Center;
            centroids = centroids.Union(new Aabb(c, c));
        }
        int index = nodeList.Count;
        if (count <= LeafSize)
        {
            nodeList.Add(new Node(bounds, start, count, -1));
            return index;
        }
        nodeList.Add(default);
        int axis = (centroids.Max - centroids.Min).DominantAxis();
        // Stable sort keeps the build (and so the traversal order) deterministic for equal centroids.
        var slice = primitives.AsSpan(start, count).ToArray()
            .Select((p, i) => (p, i)).OrderBy(x => x.p.Bounds.Center[axis]).ThenBy(x => x.i).Select(x => x.p).ToArray();
        slice.CopyTo(primitives, start);
        int half = count / 2;
        Build(start, half);
        int right = Build(start + half, count - half);
        nodeList[index] = new Node(bounds, 0, 0, right);
        return index;
    }

    /// <summary>The closest primitive hit in (tMin, tMax), or null.</summary>
    public Primitive? Closest(in Ray ray, double tMin, double tMax, out double t) => Trace(ray, tMin, tMax, false, out t);

    /// <summary>Whether anything blocks the ray within (tMin, tMax): the shadow query, which may stop at the first hit.</summary>
    public bool Occluded(in Ray ray, double tMin, double tMax) => Trace(ray, tMin, tMax, true, out _) is not null;

    Primitive? Trace(in Ray ray, double tMin, double tMax, bool anyHit, out double t)
    {
        Primitive? best = null;
        t = tMax;
        foreach (var p in unbounded)
            if (p.Intersect(ray, tMin, t, out double candidate))
            {
                t = candidate; best = p;
                if (anyHit) return best;
            }
        if (nodes.Length == 0) return best;

        Span<int> stack = stackalloc int[64];
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int index = stack[--top];
            ref readonly var node = ref nodes[index];
            if (!node.Bounds.Hit(ray, tMin, t)) continue;
            if (node.Count > 0)
            {
                for (int i = node.Start; i < node.Start + node.Count; i++)
                    if (primitives[i].Intersect(ray, tMin, t, out double candidate))
                    {
                        t = candidate; best = primitives[i];
                        if (anyHit) return best;
                    }
            }
            else
            {
                stack[top++] = node.RightChild;
                stack[top++] = index + 1;
            }
        }
        return best;
    }
}
