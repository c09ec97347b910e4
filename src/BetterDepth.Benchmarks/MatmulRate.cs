using static TorchSharp.torch;

namespace BetterDepth.Benchmarks;

/// <summary>One square float32 matmul size: its best time and rate.</summary>
public sealed record MatmulResult(int Size, int Runs, double BestSeconds, double GFlops);

/// <summary>
/// The machine's attainable float32 matrix-multiply rate through the same libtorch the model uses:
/// n x n times n x n (2 n^3 FLOPs), best of several runs after warm-up. The best size is the ceiling
/// the U-Net's convolutions and linear layers can be compared against.
/// </summary>
public static class MatmulRate
{
    public static IReadOnlyList<MatmulResult> Measure(IEnumerable<int> sizes, Device device, double minSeconds, CancellationToken ct = default)
    {
        var results = new List<MatmulResult>();
        foreach (int n in sizes)
        {
            if (n < 1) throw new ArgumentException($"matmul size must be positive, got {n}");
            using var a = randn(n, n, dtype: ScalarType.Float32, device: device);
            using var b = randn(n, n, dtype: ScalarType.Float32, device: device);
            using var noGrad = no_grad();
            // The result's allocation (n^2 floats) is negligible next to the n^3 multiply-adds; the run's dispose scope frees it.
            var times = Timing.Measure(() => a.mm(b), warmup: 2, minRuns: 3, minSeconds: minSeconds, ct: ct);
            results.Add(new MatmulResult(n, times.Runs, times.Best, 2.0 * n * n * (double)n / times.Best / 1e9));
        }
        return results;
    }
}
