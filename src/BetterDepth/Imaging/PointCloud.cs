using System.Buffers.Binary;
using System.Text;

namespace BetterDepth.Imaging;

/// <summary>
/// Back-projects metric depth into a coloured point cloud: pixel (u, v) with depth Z becomes
/// X = (u - cx) Z / fx, Y = (v - cy) Z / fy, Z (camera coordinates: x right, y down, z forward).
/// </summary>
public static class PointCloud
{
    /// <summary>Binary little-endian PLY with float x y z and uchar red green blue; invalid, zero and non-finite depths are skipped.</summary>
    public static void WritePly(string path, DepthMap metricDepth, CameraIntrinsics k, RgbImage? color = null, bool[]? valid = null)
    {
        ArgumentNullException.ThrowIfNull(metricDepth);
        ArgumentNullException.ThrowIfNull(k);
        if (metricDepth.Kind != DepthKind.Depth)
            throw new ArgumentException($"{path}: a point cloud needs metric depth, got {metricDepth.Kind}; align or convert first", nameof(metricDepth));
        if (color is not null && (color.Width != metricDepth.Width || color.Height != metricDepth.Height))
            throw new ArgumentException($"{path}: colour image {color.Width}x{color.Height} does not match depth {metricDepth.Width}x{metricDepth.Height}", nameof(color));
        if (valid is not null && valid.Length != metricDepth.PixelCount)
            throw new ArgumentException($"{path}: mask holds {valid.Length} values, depth has {metricDepth.PixelCount}", nameof(valid));

        int w = metricDepth.Width;
        var points = new List<int>();
        for (int i = 0; i < metricDepth.PixelCount; i++)
        {
            float z = metricDepth.Values[i];
            if ((valid is null || valid[i]) && float.IsFinite(z) && z > 0) points.Add(i);
        }

        const int VertexBytes = 3 * 4 + 3;
        var body = new byte[points.Count * VertexBytes];
        for (int n = 0; n < points.Count; n++)
        {
            int i = points[n], u = i % w, v = i / w;
            double z = metricDepth.Values[i];
            var vertex = body.AsSpan(n * VertexBytes, VertexBytes);
            BinaryPrimitives.WriteSingleLittleEndian(vertex, (float)((u - k.Cx) * z / k.Fx));
            BinaryPrimitives.WriteSingleLittleEndian(vertex[4..], (float)((v - k.Cy) * z / k.Fy));
            BinaryPrimitives.WriteSingleLittleEndian(vertex[8..], (float)z);
            if (color is null) vertex[12..].Fill(255);
            else color.Data.AsSpan(i * 3, 3).CopyTo(vertex[12..]);
        }

        var header = new StringBuilder()
            .Append("ply\nformat binary_little_endian 1.0\ncomment written by BetterDepth\n")
            .Append($"element vertex {points.Count}\n")
            .Append("property float x\nproperty float y\nproperty float z\n")
            .Append("property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n")
            .ToString();
        AtomicFile.Write(path, s =>
        {
            s.Write(Encoding.ASCII.GetBytes(header));
            s.Write(body);
        });
    }
}
