using BetterDepth.Synthetic.Geometry;
using BetterDepth.Synthetic.Scenes;

namespace BetterDepth.Synthetic;

/// <summary>How to render: anti-aliasing of RGB edges and whether rows run in parallel (they are independent, so the output is the same either way).</summary>
public sealed record RenderOptions(bool Antialias = true, bool ParallelRows = true)
{
    public static readonly RenderOptions Default = new();
}

/// <summary>A rendered view: RGB, depth z (0 where invalid), validity, and the index of the primitive each pixel centre sees (-1 for sky).</summary>
public sealed record RenderedFrame(RgbImage Image, DepthMap Depth, bool[] Valid, int[] PrimitiveIds);

/// <summary>
/// The ray caster. Depth comes from one ray through each pixel centre (exact z of the first surface);
/// RGB is shaded with shadow rays to every light and, where neighbouring pixels see different primitives,
/// averaged over extra sub-pixel rays so object edges look like a camera's, not like a stencil.
/// </summary>
public static class SceneRenderer
{
    /// <summary>Generates the scene of <paramref name="seed"/> and renders it (same seed, same pixels).</summary>
    public static SyntheticSample Render(long seed, SceneKind kind, int width, int height) =>
        Render(seed, kind, width, height, RenderOptions.Default);

    public static SyntheticSample Render(long seed, SceneKind kind, int width, int height, RenderOptions options)
    {
        if (width < 8 || height < 8 || width > 8192 || height > 8192)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be between 8 and 8192 pixels per side, got {width}x{height}");
        var random = new SceneRandom((ulong)seed);
        kind = Choose(kind, random);
        var (scene, camera) = kind switch
        {
            SceneKind.Indoor => IndoorScene.Generate(random, width, height),
            SceneKind.Outdoor => OutdoorScene.Generate(random, width, height),
            SceneKind.Pavement => OutdoorScene.Generate(random, width, height, fromPavement: true),
            SceneKind.Desk => DeskScene.Generate(random, width, height),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a scene kind"),
        };
        var frame = Render(scene, camera, options, seed);
        return new SyntheticSample(frame.Image, frame.Depth, frame.Valid, camera.Intrinsics, kind, camera);
    }

    /// <summary>The kind the scene of <paramref name="seed"/> is, without generating it.</summary>
    public static SceneKind KindOf(long seed, SceneKind kind) => Choose(kind, new SceneRandom((ulong)seed));

    /// <summary>
    /// Mixed and Varied draw the kind as the first number of the scene's stream. Mixed's draw must stay as it is:
    /// held-out test sets are regenerated from their seeds.
    /// </summary>
    static SceneKind Choose(SceneKind kind, SceneRandom random) => kind switch
    {
        SceneKind.Mixed => random.Chance(0.5) ? SceneKind.Indoor : SceneKind.Outdoor,
        SceneKind.Varied => random.NextDouble() switch { < 0.4 => SceneKind.Indoor, < 0.8 => SceneKind.Outdoor, _ => SceneKind.Desk },
        _ => kind,
    };

    /// <summary>Renders a given scene; <paramref name="noiseSeed"/> seeds the faint sensor noise in the RGB.</summary>
    internal static RenderedFrame Render(Scene scene, PinholeCamera camera, RenderOptions? options = null, long noiseSeed = 0)
    {
        options ??= RenderOptions.Default;
        int w = camera.Width, h = camera.Height;
        var depth = new float[w * h];
        var valid = new bool[w * h];
        var ids = new int[w * h];
        var radiance = new Vec3[w * h];

        // Pass 1: centre rays give depth, validity, the primitive seen and a first colour.
        RunRows(h, options.ParallelRows, y =>
        {
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                var ray = camera.RayThrough(x, y);
                var hit = scene.Bvh.Closest(ray, 0, double.PositiveInfinity, out double t);
                ids[i] = hit is null ? -1 : scene.IdOf(hit);
                bool inRange = hit is not null && t <= scene.Look.MaxDepth;
                valid[i] = inRange;
                depth[i] = inRange ? (float)t : 0f;
                radiance[i] = hit is null ? Sky(scene, ray.Direction) : Shade(scene, ray, hit, t);
            }
        });

        // Pass 2: sub-pixel rays where the primitive changes between neighbours (reads pass-1 data only).
        var rgb = new byte[w * h * 3];
        RunRows(h, options.ParallelRows, y =>
        {
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                var color = radiance[i];
                if (options.Antialias && IsEdge(ids, w, h, x, y))
                {
                    var sum = color;
                    foreach (var (dx, dy) in SubPixelOffsets)
                    {
                        var ray = camera.RayThrough(x + dx, y + dy);
                        var hit = scene.Bvh.Closest(ray, 0, double.PositiveInfinity, out double t);
                        sum += hit is null ? Sky(scene, ray.Direction) : Shade(scene, ray, hit, t);
                    }
                    color = sum / (SubPixelOffsets.Length + 1);
                }
                WritePixel(rgb, i, color, scene.Look.Exposure, noiseSeed, x, y);
            }
        });
        return new RenderedFrame(new RgbImage(w, h, rgb), new DepthMap(w, h, DepthKind.Depth, depth), valid, ids);
    }

    static readonly (double, double)[] SubPixelOffsets = [(-0.25, -0.25), (0.25, -0.25), (-0.25, 0.25), (0.25, 0.25)];

    static void RunRows(int height, bool parallel, Action<int> row)
    {
        if (parallel) Parallel.For(0, height, row);
        else for (int y = 0; y < height; y++) row(y);
    }

    static bool IsEdge(int[] ids, int w, int h, int x, int y)
    {
        int id = ids[y * w + x];
        return (x > 0 && ids[y * w + x - 1] != id) || (x < w - 1 && ids[y * w + x + 1] != id)
            || (y > 0 && ids[(y - 1) * w + x] != id) || (y < h - 1 && ids[(y + 1) * w + x] != id);
    }

    static Vec3 Sky(Scene scene, Vec3 direction)
    {
        double up = Math.Clamp(direction.Normalized().Y, 0, 1);
        return Vec3.Lerp(scene.Look.SkyHorizon, scene.Look.SkyZenith, Math.Sqrt(up));
    }

    /// <summary>Linear radiance at the hit: hemispheric ambient + shadowed diffuse and Blinn-Phong per light + emission, then haze.</summary>
    static Vec3 Shade(Scene scene, in Ray ray, Primitive primitive, double t)
    {
        var point = ray.At(t);
        var surface = primitive.SurfaceAt(point);
        var material = scene.Materials[primitive.Material];
        var normal = Vec3.Dot(surface.Normal, ray.Direction) > 0 ? -surface.Normal : surface.Normal;
        var (albedo, specular) = material.Evaluate(surface);
        var look = scene.Look;
        var toViewer = -ray.Direction.Normalized();
        double distance = t * ray.Direction.Length;
        // Offset shadow-ray origins off the surface, more at distance where rounding is coarser.
        var origin = point + normal * (1e-5 + 1e-5 * distance);

        var color = albedo * Vec3.Lerp(look.AmbientGround, look.AmbientSky, 0.5 + 0.5 * normal.Y);
        foreach (var light in scene.Lights)
        {
            Vec3 toLight, irradiance;
            bool blocked;
            if (light is DirectionalLight sun)
            {
                toLight = -sun.Direction;
                double cos = Vec3.Dot(normal, toLight);
                if (cos <= 0) continue;
                blocked = scene.Bvh.Occluded(new Ray(origin, toLight), 0, double.PositiveInfinity);
                irradiance = sun.Color * cos;
            }
            else
            {
                var lamp = (PointLight)light;
                var offset = lamp.Position - origin;
                double d2 = Vec3.Dot(offset, offset);
                toLight = offset / Math.Sqrt(d2);
                double cos = Vec3.Dot(normal, toLight);
                if (cos <= 0) continue;
                blocked = scene.Bvh.Occluded(new Ray(origin, offset), 0, 1 - 1e-6);
                irradiance = lamp.Color * (cos / d2);
            }
            if (blocked) continue;
            var halfway = (toLight + toViewer).Normalized();
            double highlight = specular * Math.Pow(Math.Max(0, Vec3.Dot(normal, halfway)), material.Shininess);
            color += albedo * irradiance + irradiance * highlight;
        }
        color += material.Emission;
        if (look.HazeDistance > 0)
            color = Vec3.Lerp(color, look.HazeColor, 1 - Math.Exp(-distance / look.HazeDistance));
        return color;
    }

    /// <summary>Exposure, a soft shoulder instead of hard clipping, sRGB-like gamma, and +-1 level of sensor noise.</summary>
    static void WritePixel(byte[] rgb, int i, Vec3 color, double exposure, long seed, int x, int y)
    {
        for (int c = 0; c < 3; c++)
        {
            double v = color[c] * exposure;
            v = v / (1 + 0.25 * v) * 1.25;          // maps 1 to 1, compresses highlights
            v = Math.Pow(Math.Clamp(v, 0, 1), 1 / 2.2) * 255;
            v += (ValueNoise.Hash(x, y, c, seed) - 0.5) * 2;
            rgb[i * 3 + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
        }
    }
}
