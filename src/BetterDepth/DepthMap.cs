namespace BetterDepth;

/// <summary>
/// A single-channel float map (row-major, <c>Values[y * Width + x]</c>) with its meaning.
/// Invalid pixels are represented by a separate validity mask, never by magic values,
/// except where a file format defines one (readers translate those into masks).
/// </summary>
public sealed class DepthMap
{
    public int Width { get; }
    public int Height { get; }
    public float[] Values { get; }
    public DepthKind Kind { get; }

    public DepthMap(int width, int height, DepthKind kind, float[]? values = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"map size must be positive, got {width}x{height}");
        values ??= new float[checked(width * height)];
        if (values.Length != width * height)
            throw new ArgumentException($"expected {width * height} values for {width}x{height}, got {values.Length}", nameof(values));
        Width = width;
        Height = height;
        Kind = kind;
        Values = values;
    }

    public int PixelCount => Values.Length;

    public float this[int x, int y]
    {
        get => Values[y * Width + x];
        set => Values[y * Width + x] = value;
    }

    public DepthMap Clone() => new(Width, Height, Kind, (float[])Values.Clone());

    /// <summary>Same values, new meaning (for example after an explicit conversion done elsewhere).</summary>
    public DepthMap WithKind(DepthKind kind) => new(Width, Height, kind, Values);

    public bool SameSizeAs(DepthMap other) => Width == other.Width && Height == other.Height;

    public override string ToString() => $"DepthMap {Width}x{Height} {Kind}";
}
