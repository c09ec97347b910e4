using System.Runtime.CompilerServices;

namespace BetterDepth.Synthetic;

/// <summary>A 3-vector in double precision: the ray caster's depth must be exact to well below a millimetre.</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static readonly Vec3 Zero = new(0, 0, 0);
    public static readonly Vec3 UnitX = new(1, 0, 0);
    public static readonly Vec3 UnitY = new(0, 1, 0);
    public static readonly Vec3 UnitZ = new(0, 0, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator *(double s, Vec3 a) => new(a.X * s, a.Y * s, a.Z * s);
    /// <summary>Component-wise product (colour times colour).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator *(Vec3 a, Vec3 b) => new(a.X * b.X, a.Y * b.Y, a.Z * b.Z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec3 operator /(Vec3 a, double s) => a * (1.0 / s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;
    public static Vec3 Cross(Vec3 a, Vec3 b) => new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);
    public static Vec3 Lerp(Vec3 a, Vec3 b, double t) => a + (b - a) * t;

    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);
    public Vec3 Normalized() => this / Length;

    public double this[int axis] => axis switch { 0 => X, 1 => Y, _ => Z };

    /// <summary>Index of the component with the largest magnitude.</summary>
    public int DominantAxis()
    {
        double ax = Math.Abs(X), ay = Math.Abs(Y), az = Math.Abs(Z);
        return ax >= ay && ax >= az ? 0 : ay >= az ? 1 : 2;
    }

    public static Vec3 Min(Vec3 a, Vec3 b) => new(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Min(a.Z, b.Z));
    public static Vec3 Max(Vec3 a, Vec3 b) => new(Math.Max(a.X, b.X), Math.Max(a.Y, b.Y), Math.Max(a.Z, b.Z));

    /// <summary>Two unit vectors that complete <paramref name="axis"/> (unit) to a right-handed orthonormal frame.</summary>
    public static (Vec3 U, Vec3 V) Basis(Vec3 axis)
    {
        var helper = Math.Abs(axis.Y) < 0.9 ? UnitY : UnitX;
        var u = Cross(helper, axis).Normalized();
        return (u, Cross(axis, u));
    }
}
