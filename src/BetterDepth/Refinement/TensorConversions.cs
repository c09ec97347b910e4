using static TorchSharp.torch;

namespace BetterDepth.Refinement;

/// <summary>Between the library's CPU maps and the [-1, 1] tensors the diffusion model works on.</summary>
public static class TensorConversions
{
    /// <summary>RGB bytes -> [1, 3, H, W] float32 in [-1, 1] on <paramref name="device"/>.</summary>
    public static Tensor ToTensor(RgbImage image, Device device)
    {
        int w = image.Width, h = image.Height, n = w * h;
        var planes = new float[3 * n];
        var data = image.Data;
        for (int i = 0; i < n; i++)
        {
            planes[i] = data[3 * i] / 127.5f - 1f;
            planes[n + i] = data[3 * i + 1] / 127.5f - 1f;
            planes[2 * n + i] = data[3 * i + 2] / 127.5f - 1f;
        }
        return tensor(planes, [1, 3, h, w], ScalarType.Float32).to(device);
    }

    /// <summary>A map -> [1, 1, H, W] float32 on <paramref name="device"/>.</summary>
    public static Tensor ToTensor(DepthMap map, Device device) =>
        tensor(map.Values, [1, 1, map.Height, map.Width], ScalarType.Float32).to(device);

    /// <summary>[1, 1, H, W] or [H, W] tensor (any device) -> a map of the given kind.</summary>
    public static DepthMap ToDepthMap(Tensor t, DepthKind kind)
    {
        if (t.numel() == 0) throw new ArgumentException("empty tensor", nameof(t));
        long h = t.shape[^2], w = t.shape[^1];
        if (t.numel() != h * w) throw new ArgumentException($"expected a single map, got shape [{string.Join(", ", t.shape)}]", nameof(t));
        using var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return new DepthMap((int)w, (int)h, kind, cpu.data<float>().ToArray());
    }
}
