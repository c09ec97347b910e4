using BetterDepth.Compute;
using System.Text.Json.Serialization;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace BetterDepth.Diffusion;

/// <summary>
/// A fixed, parameter-free stand-in for SD's VAE, so CPU-sized models run the exact latent code path
/// (latent size, latent mask, encode/decode) at a fraction of the cost.
/// Each f x f block of pixels (pixel-unshuffle) is projected onto a fixed orthonormal basis:
/// <list type="bullet">
/// <item>Depth: the 2-D DCT-II basis of the block, lowest frequencies first. With
/// <c>LatentChannels = f*f</c> (the default: f = 4, 16 channels) the map is square and orthogonal, so
/// encode then decode returns the depth exactly; with fewer channels it keeps the smoothest components.</item>
/// <item>Image: the same DCT basis crossed with an orthonormal colour transform (luma, two opponent
/// chroma axes); the <c>LatentChannels</c> lowest-ranked components are kept, ranking by spatial
/// frequency u+v with chroma counted two frequencies higher (f = 4, 16 channels keeps luma up to u+v = 3
/// and chroma up to u+v = 1). The image is only ever encoded, so this loss is harmless.</item>
/// </list>
/// Coefficients are divided by f so the first depth channel is the block mean (on the [-1, 1] scale like
/// the input); decoding multiplies by f and applies the transpose, the exact pseudo-inverse of an
/// orthonormal projection.
/// </summary>
public sealed class PixelUnshuffleAutoencoder : ILatentAutoencoder
{
    public const string ClassName = nameof(PixelUnshuffleAutoencoder);

    Tensor imageBasis;   // [C, 3 f^2, 1, 1] conv weight, already divided by f
    Tensor depthBasis;   // [C, f^2, 1, 1]
    Tensor depthInverse; // [f^2, C, 1, 1]

    public int LatentChannels { get; }
    public int DownscaleFactor { get; }

    public PixelUnshuffleAutoencoder(int factor = 4, int latentChannels = 16, Device? device = null)
    {
        if (factor < 1 || factor > 16) throw new ArgumentException($"downscale factor must be 1..16, got {factor}", nameof(factor));
        if (latentChannels < 1 || latentChannels > factor * factor)
            throw new ArgumentException($"latent channels must be 1..{factor * factor} for factor {factor}, got {latentChannels}", nameof(latentChannels));
        DownscaleFactor = factor;
        LatentChannels = latentChannels;
        var cells = factor * factor;
        var dct = Dct2D(factor);
        var byFrequency = Enumerable.Range(0, cells).OrderBy(k => k / factor + k % factor).ThenBy(k => k / factor).ToArray();

        var depth = new float[latentChannels * cells];
        for (var c = 0; c < latentChannels; c++)
            for (var p = 0; p < cells; p++) depth[c * cells + p] = (float)(dct[byFrequency[c], p] / factor);

        var colour = ColourBasis();
        var ranked = (from k in Enumerable.Range(0, 3) from q in Enumerable.Range(0, cells)
                      orderby q / factor + q % factor + (k > 0 ? 2 : 0), k, q / factor
                      select (k, q)).Take(latentChannels).ToArray();
        var image = new float[latentChannels * 3 * cells];
        for (var c = 0; c < latentChannels; c++)
            for (var rgb = 0; rgb < 3; rgb++)
                for (var p = 0; p < cells; p++)
                    image[(c * 3 + rgb) * cells + p] = (float)(colour[ranked[c].k, rgb] * dct[ranked[c].q, p] / factor);

        var target = device ?? CPU;
        imageBasis = tensor(image, [latentChannels, 3 * cells, 1, 1], device: target);
        depthBasis = tensor(depth, [latentChannels, cells, 1, 1], device: target);
        depthInverse = depthBasis.permute(1, 0, 2, 3).Times(factor * factor).contiguous();
    }

    public Tensor EncodeImage(Tensor rgbMinus1To1)
    {
        AutoencoderInput.Check(rgbMinus1To1, 3, DownscaleFactor, nameof(rgbMinus1To1));
        using var blocks = functional.pixel_unshuffle(rgbMinus1To1, DownscaleFactor);
        return functional.conv2d(blocks, imageBasis.to(blocks.dtype));
    }

    public Tensor EncodeDepth(Tensor depthMinus1To1)
    {
        AutoencoderInput.Check(depthMinus1To1, 1, DownscaleFactor, nameof(depthMinus1To1));
        using var blocks = functional.pixel_unshuffle(depthMinus1To1, DownscaleFactor);
        return functional.conv2d(blocks, depthBasis.to(blocks.dtype));
    }

    public Tensor DecodeDepth(Tensor latent)
    {
        AutoencoderInput.CheckLatent(latent, LatentChannels);
        // (B / f)^+ = f * B^T; depthInverse holds f^2 * (B^T / f).
        using var blocks = functional.conv2d(latent, depthInverse.to(latent.dtype));
        return functional.pixel_shuffle(blocks, DownscaleFactor);
    }

    public void MoveTo(Device device)
    {
        imageBasis = Replace(imageBasis, device);
        depthBasis = Replace(depthBasis, device);
        depthInverse = Replace(depthInverse, device);
    }

    static Tensor Replace(Tensor t, Device device)
    {
        var moved = t.to(device);
        if (!ReferenceEquals(moved, t)) t.Dispose();
        return moved;
    }

    /// <summary>Orthonormal 2-D DCT-II basis: row u*f+v, column (pixel) i*f+j, matching pixel_unshuffle's order.</summary>
    static double[,] Dct2D(int f)
    {
        double Basis(int k, int n) => (k == 0 ? Math.Sqrt(1.0 / f) : Math.Sqrt(2.0 / f)) * Math.Cos(Math.PI * (2 * n + 1) * k / (2.0 * f));
        var m = new double[f * f, f * f];
        for (var u = 0; u < f; u++) for (var v = 0; v < f; v++)
            for (var i = 0; i < f; i++) for (var j = 0; j < f; j++)
                m[u * f + v, i * f + j] = Basis(u, i) * Basis(v, j);
        return m;
    }

    /// <summary>Orthonormal colour axes: luma (R+G+B), red-green, and yellow-blue opponents.</summary>
    static double[,] ColourBasis()
    {
        double a = 1 / Math.Sqrt(3), b = 1 / Math.Sqrt(2), c = 1 / Math.Sqrt(6);
        return new[,] { { a, a, a }, { b, -b, 0 }, { c, c, -2 * c } };
    }

    public void Dispose()
    {
        imageBasis.Dispose();
        depthBasis.Dispose();
        depthInverse.Dispose();
    }
}

/// <summary>The <c>vae/config.json</c> of a <see cref="PixelUnshuffleAutoencoder"/> (no weights file).</summary>
public sealed record PixelUnshuffleAutoencoderConfig
{
    [JsonPropertyName("_class_name")] public string ClassName { get; init; } = PixelUnshuffleAutoencoder.ClassName;
    [JsonPropertyName("downscale_factor")] public int DownscaleFactor { get; init; } = 4;
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; init; } = 16;
}
