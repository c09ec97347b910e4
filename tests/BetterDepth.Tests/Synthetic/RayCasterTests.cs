using BetterDepth.Synthetic;
using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Tests.Synthetic;

/// <summary>Depth from the ray caster against geometry whose answer is known in closed form.</summary>
public class RayCasterTests
{
    static readonly RenderOptions Serial = new(Antialias: false, ParallelRows: false);

    static Scene SceneOf(params Primitive[] primitives)
    {
        var b = new SceneBuilder();
        b.AddMaterial(Material.Plain(new Vec3(0.5, 0.5, 0.5)));
        foreach (var p in primitives) b.Add(p);
        return b.Build(new SceneLook(Vec3.Zero, Vec3.Zero, new Vec3(0.3, 0.3, 0.3), Vec3.Zero, Vec3.Zero, 0, MaxDepth: 80));
    }

    // Odd sizes put a pixel centre exactly on the optical axis.
    static PinholeCamera AlongZ(int width = 33, int height = 25, double fov = 60) =>
        PinholeCamera.LookAt(Vec3.Zero, new Vec3(0, 0, 1), fov, width, height);

    [Fact]
    public void CameraFacingAPlaneSeesItsDistanceAsDepthEverywhere()
    {
        var frame = SceneRenderer.Render(SceneOf(Plane.Through(new Vec3(0, 0, 3.7), new Vec3(0, 0, -1), 0)), AlongZ(), Serial);
        // z along the optical axis, not ray length: the same value at the corners as in the centre.
        Assert.All(frame.Depth.Values, d => Assert.Equal(3.7f, d));
        Assert.All(frame.Valid, Assert.True);
    }

    [Fact]
    public void TiltedPlaneDepthBackProjectsOntoThePlane()
    {
        var normal = new Vec3(0.2, 0.5, -1).Normalized();
        var onPlane = new Vec3(0, 0, 6);
        var camera = AlongZ();
        var frame = SceneRenderer.Render(SceneOf(Plane.Through(onPlane, normal, 0)), camera, Serial);
        var k = camera.Intrinsics;
        int checkedPixels = 0;
        for (int v = 0; v < camera.Height; v++)
            for (int u = 0; u < camera.Width; u++)
            {
                if (!frame.Valid[v * camera.Width + u]) continue;
                double z = frame.Depth.Values[v * camera.Width + u];
                // Camera frame equals world frame up to y pointing down.
                var point = new Vec3((u - k.Cx) * z / k.Fx, -(v - k.Cy) * z / k.Fy, z);
                Assert.True(Math.Abs(Vec3.Dot(normal, point - onPlane)) < 1e-5 * z, $"pixel ({u},{v}) is off the plane");
                checkedPixels++;
            }
        Assert.True(checkedPixels > camera.Width * camera.Height / 2);
    }

    [Fact]
    public void SphereCentrePixelAndSilhouetteMatchTheClosedForm()
    {
        var camera = AlongZ();
        var frame = SceneRenderer.Render(SceneOf(new Sphere(new Vec3(0, 0, 6), 1)), camera, Serial);
        Assert.Equal(5f, frame.Depth[16, 12]);
        // A pixel ray hits iff its angle to the centre direction is below asin(r / d).
        double limit = Math.Asin(1.0 / 6);
        var k = camera.Intrinsics;
        for (int v = 0; v < camera.Height; v++)
            for (int u = 0; u < camera.Width; u++)
            {
                double angle = Math.Atan(Math.Sqrt(Math.Pow((u - k.Cx) / k.Fx, 2) + Math.Pow((v - k.Cy) / k.Fy, 2)));
                if (Math.Abs(angle - limit) < 1e-3) continue;
                Assert.Equal(angle < limit, frame.Valid[v * camera.Width + u]);
            }
    }

    [Fact]
    public void RotatedBoxShowsItsNearEdgeAndCylindersTheirSideAndCap()
    {
        var camera = AlongZ();
        var box = Box.Upright(new Vec3(0, 0, 5), new Vec3(1, 1, 1), Math.PI / 4, 0);
        Assert.Equal(5 - Math.Sqrt(2), SceneRenderer.Render(SceneOf(box), camera, Serial).Depth[16, 12], 5);

        var standing = new Cylinder(new Vec3(0, -1, 5), new Vec3(0, 1, 5), 0.5) { Material = 0 };
        Assert.Equal(4.5, SceneRenderer.Render(SceneOf(standing), camera, Serial).Depth[16, 12], 5);

        var lying = new Cylinder(new Vec3(0, 0, 4), new Vec3(0, 0, 8), 0.5) { Material = 0 };
        var frame = SceneRenderer.Render(SceneOf(lying), camera, Serial);
        Assert.Equal(4f, frame.Depth[16, 12]);      // the cap, face on
        Assert.False(frame.Valid[0]);               // the corner ray misses it
    }

    [Fact]
    public void ShadowRaysDarkenTheGroundUnderABlocker()
    {
        var b = new SceneBuilder();
        b.AddMaterial(Material.Plain(new Vec3(0.6, 0.6, 0.6), 0));
        b.Add(Plane.Through(Vec3.Zero, Vec3.UnitY, 0));
        b.Add(Box.FromCorners(new Vec3(-1, 2, 4), new Vec3(1, 2.2, 6), 0)); // a slab hovering over (0, 0, 5)
        b.Lights.Add(new DirectionalLight(new Vec3(0, -1, 0), new Vec3(2, 2, 2)));
        var scene = b.Build(new SceneLook(Vec3.Zero, Vec3.Zero, new Vec3(0.1, 0.1, 0.1), new Vec3(0.1, 0.1, 0.1), Vec3.Zero, 0, 80));
        var camera = PinholeCamera.LookAt(new Vec3(0, 1, 0), new Vec3(0, 0, 5), 60, 33, 25);
        var frame = SceneRenderer.Render(scene, camera, Serial);
        int shadowed = frame.Image.Data[(12 * 33 + 16) * 3];   // centre: ground at (0, 0, 5), under the slab
        int lit = frame.Image.Data[(24 * 33 + 16) * 3];       // bottom row: open ground near the camera
        Assert.Equal(0, frame.PrimitiveIds[12 * 33 + 16]);
        Assert.True(lit > shadowed + 60, $"lit {lit} vs shadowed {shadowed}");
    }

    [Fact]
    public void BvhFindsTheSameClosestHitAsTestingEveryPrimitive()
    {
        var random = new SceneRandom(42);
        var primitives = new List<Primitive>();
        for (int i = 0; i < 150; i++)
        {
            var c = new Vec3(random.Range(-10, 10), random.Range(-10, 10), random.Range(-10, 10));
            primitives.Add((i % 3) switch
            {
                0 => new Sphere(c, random.Range(0.1, 1)),
                1 => Box.Upright(c, new Vec3(random.Range(0.1, 1), random.Range(0.1, 1), random.Range(0.1, 1)), random.Range(0, 3), 0),
                _ => new Cylinder(c, c + new Vec3(random.Range(-2, 2), random.Range(-2, 2), random.Range(-2, 2)), random.Range(0.05, 0.5)),
            });
        }
        primitives.Add(Plane.Through(new Vec3(0, -12, 0), Vec3.UnitY, 0));
        var bvh = new Bvh(primitives);
        int hits = 0;
        for (int n = 0; n < 2000; n++)
        {
            var ray = new Ray(new Vec3(random.Range(-15, 15), random.Range(-15, 15), random.Range(-15, 15)),
                              new Vec3(random.Range(-1, 1), random.Range(-1, 1), random.Range(-1, 1)));
            Primitive? expected = null;
            double best = double.PositiveInfinity;
            foreach (var p in primitives)
                if (p.Intersect(ray, 0, best, out double t)) { best = t; expected = p; }
            var found = bvh.Closest(ray, 0, double.PositiveInfinity, out double tFound);
            Assert.Same(expected, found);
            if (expected is null) continue;
            Assert.Equal(best, tFound);
            Assert.True(bvh.Occluded(ray, 0, best * 1.0001));
            Assert.False(bvh.Occluded(ray, 0, best * 0.9999));
            hits++;
        }
        Assert.True(hits > 500);
    }
}
