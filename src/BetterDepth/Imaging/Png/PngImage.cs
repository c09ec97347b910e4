namespace BetterDepth.Imaging.Png;

/// <summary>
/// A decoded PNG: samples row-major and interleaved, <see cref="Channels"/> per pixel (1 grey, 2 grey+alpha,
/// 3 RGB, 4 RGBA; palette images are expanded to RGB). Samples keep the file's precision:
/// 0..(2^BitDepth - 1), where BitDepth is 1, 2, 4, 8 or 16.
/// </summary>
public sealed class PngImage
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Channels { get; init; }
    public required int BitDepth { get; init; }
    public required ushort[] Samples { get; init; }

    public int MaxSample => (1 << BitDepth) - 1;

    public string Describe() =>
        $"{Channels switch { 1 => "grey", 2 => "grey+alpha", 3 => "RGB", _ => "RGBA" }} {BitDepth}-bit";
}
