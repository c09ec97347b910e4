namespace BetterDepth.Synthetic;

/// <summary>A light the shading sums over; each is tested for visibility with a shadow ray.</summary>
internal abstract record Light(Vec3 Color);

/// <summary>Parallel light (the sun) travelling along <see cref="Direction"/> (unit).</summary>
internal sealed record DirectionalLight(Vec3 Direction, Vec3 Color) : Light(Color);

/// <summary>A lamp at <see cref="Position"/>; irradiance falls with the squared distance.</summary>
internal sealed record PointLight(Vec3 Position, Vec3 Color) : Light(Color);
