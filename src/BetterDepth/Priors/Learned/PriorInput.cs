using BetterDepth.Compute;
using static TorchSharp.torch;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// What the network sees: RGB scaled to [0, 1], normalised with the ImageNet mean and standard deviation
/// (as DPT and Depth Anything do), resized to the fixed working resolution with antialiasing.
/// </summary>
internal static class PriorInput
{
    static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>A batch [B, 3, height, width] of normalised images on <paramref name="device"/>.</summary>
    public static Tensor Batch(IReadOnlyList<RgbImage> images, int width, int height, Device device)
    {
        if (images.Count == 0) throw new ArgumentException("no images in the batch", nameof(images));
        using var scope = NewDisposeScope();
        var items = new Tensor[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var t = Normalized(images[i], device);
            if (t.shape[1] != height || t.shape[2] != width)
                t = nn.functional.interpolate(t.unsqueeze(0), size: [height, width], mode: InterpolationMode.Bilinear,
                    align_corners: false, antialias: true).squeeze(0);
            items[i] = t;
        }
        return stack(items).MoveToOuterDisposeScope();
    }

    /// <summary>One image as [3, H, W] at its own size, normalised.</summary>
    public static Tensor Normalized(RgbImage image, Device device)
    {
        using var scope = NewDisposeScope();
        var hwc = tensor(image.Data, [image.Height, image.Width, 3]).to(ScalarType.Float32).OverInPlace(255f);
        var mean = tensor(Mean).view(1, 1, 3);
        var std = tensor(Std).view(1, 1, 3);
        var chw = ((hwc - mean) / std).permute(2, 0, 1).contiguous().to(device);
        return chw.MoveToOuterDisposeScope();
    }

    /// <summary>A [1, 1, h, w] prediction resized (bilinear) to width x height as a map of the given kind.</summary>
    public static DepthMap ToMap(Tensor prediction, int width, int height, DepthKind kind)
    {
        using var scope = NewDisposeScope();
        var t = prediction;
        if (t.shape[2] != height || t.shape[3] != width)
            t = nn.functional.interpolate(t, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        var values = t.reshape(-1).to(CPU).to(ScalarType.Float32).data<float>().ToArray();
        return new DepthMap(width, height, kind, values);
    }
}
