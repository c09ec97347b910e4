using BetterDepth.Imaging;
using BetterDepth.Synthetic.Geometry;

namespace BetterDepth.Synthetic;

/// <summary>
/// A pinhole camera in the OpenCV convention: image x right, y down, z forward; pixel (u, v) has its
/// centre at integer coordinates, so <c>u = fx * X / Z + cx</c>. Camera rays have a forward component of
/// exactly 1, which makes a hit's ray parameter equal to its depth z along the optical axis.
/// </summary>
public sealed class PinholeCamera
{
    public Vec3 Position { get; }
    public Vec3 Right { get; }
    public Vec3 Down { get; }
    public Vec3 Forward { get; }
    public CameraIntrinsics Intrinsics { get; }
    public int Width { get; }
    public int Height { get; }

    public PinholeCamera(Vec3 position, Vec3 right, Vec3 down, Vec3 forward, CameraIntrinsics intrinsics, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        Position = position; Right = right; Down = down; Forward = forward; Intrinsics = intrinsics; Width = width; Height = height;
    }

    /// <summary>A camera at <paramref name="position"/> looking at <paramref name="target"/> with world y up, square pixels, the principal point at the image centre and the given horizontal field of view.</summary>
    public static PinholeCamera LookAt(Vec3 position, Vec3 target, double horizontalFovDegrees, int width, int height, double rollRadians = 0)
    {
        if (!(horizontalFovDegrees > 1 && horizontalFovDegrees < 179))
            throw new ArgumentOutOfRangeException(nameof(horizontalFovDegrees), $"field of view must be in (1, 179) degrees, got {horizontalFovDegrees}");
        var forward = (target - position).Normalized();
        var right = Vec3.Cross(Vec3.UnitY, forward).Normalized();
        var down = Vec3.Cross(right, forward);
        if (rollRadians != 0)
        {
            double c = Math.Cos(rollRadians), s = Math.Sin(rollRadians);
            (right, down) = (right * c + down * s, down * c - right * s);
        }
        double f = width / 2.0 / Math.Tan(horizontalFovDegrees * Math.PI / 360);
        var k = new CameraIntrinsics(f, f, (width - 1) / 2.0, (height - 1) / 2.0);
        return new PinholeCamera(position, right, down, forward, k, width, height);
    }

    /// <summary>The ray through image point (x, y) in pixel coordinates; its t is depth z.</summary>
    public Ray RayThrough(double x, double y) =>
        new(Position, Right * ((x - Intrinsics.Cx) / Intrinsics.Fx) + Down * ((y - Intrinsics.Cy) / Intrinsics.Fy) + Forward);
}
