namespace BetterDepth.Benchmarks;

public enum FlopKind { Convolution, Linear, AttentionMatmul }

/// <summary>FLOPs of one counted layer; <paramref name="Module"/> is its path in the module tree (checkpoint key prefix).</summary>
public sealed record LayerFlops(string Module, FlopKind Kind, double Flops);

/// <summary>The counted FLOPs of one forward pass, layer by layer.</summary>
public sealed class FlopCount(IReadOnlyList<LayerFlops> layers)
{
    public IReadOnlyList<LayerFlops> Layers { get; } = layers;
    public double Total => Layers.Sum(l => l.Flops);
    public double Of(FlopKind kind) => Layers.Where(l => l.Kind == kind).Sum(l => l.Flops);
}
