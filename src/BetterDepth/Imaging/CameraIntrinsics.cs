using System.Text.Json;
using System.Text.Json.Serialization;

namespace BetterDepth.Imaging;

/// <summary>
/// Pinhole intrinsics in pixels, with pixel centres at integer coordinates (OpenCV convention):
/// a point (X, Y, Z) in camera coordinates projects to u = fx X / Z + cx, v = fy Y / Z + cy.
/// Stored as JSON <c>{"fx":..,"fy":..,"cx":..,"cy":..}</c>.
/// </summary>
public sealed record CameraIntrinsics(
    [property: JsonPropertyName("fx")] double Fx,
    [property: JsonPropertyName("fy")] double Fy,
    [property: JsonPropertyName("cx")] double Cx,
    [property: JsonPropertyName("cy")] double Cy)
{
    /// <summary>
    /// Intrinsics of the same camera after resizing the image by (sx, sy). The image edges, not the
    /// first pixel centres, are what scale, hence the half-pixel shifts on the principal point.
    /// </summary>
    public CameraIntrinsics Scaled(double sx, double sy)
    {
        if (!(sx > 0) || !(sy > 0)) throw new ArgumentOutOfRangeException(nameof(sx), $"scale factors must be positive, got {sx}, {sy}");
        return new(Fx * sx, Fy * sy, (Cx + 0.5) * sx - 0.5, (Cy + 0.5) * sy - 0.5);
    }

    public static CameraIntrinsics Load(string path)
    {
        CameraIntrinsics? k;
        try
        {
            k = JsonSerializer.Deserialize<CameraIntrinsics>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidFileException(path, $"not valid intrinsics JSON ({e.Message})", e);
        }
        if (k is null) throw new InvalidFileException(path, "empty intrinsics JSON");
        if (!(k.Fx > 0) || !(k.Fy > 0) || !double.IsFinite(k.Fx) || !double.IsFinite(k.Fy) || !double.IsFinite(k.Cx) || !double.IsFinite(k.Cy))
            throw new InvalidFileException(path, $"invalid intrinsics {k} (focal lengths must be positive and all values finite)");
        return k;
    }

    public void Save(string path)
    {
        var json = JsonSerializer.Serialize(this, Options);
        AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(json + "\n")));
    }

    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        RespectRequiredConstructorParameters = true,
    };
}
