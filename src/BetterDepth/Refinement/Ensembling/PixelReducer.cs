using System.Runtime.CompilerServices;

namespace BetterDepth.Refinement;

/// <summary>
/// Reduces N aligned members to one value per pixel and reports which members the value depends on
/// (the alignment objective needs that for its gradient).
/// </summary>
sealed class PixelReducer(EnsembleReduction reduction, int members)
{
    readonly double[] _values = new double[members];
    readonly int[] _order = new int[members];

    /// <summary>The reduced value; for the median, <paramref name="medianMember"/> is the member that holds it.</summary>
    public double Reduce(ReadOnlySpan<double> values, out int medianMember)
    {
        if (reduction == EnsembleReduction.Mean)
        {
            double sum = 0;
            foreach (var v in values) sum += v;
            medianMember = -1;
            return sum / values.Length;
        }
        medianMember = LowerMedianIndex(values);
        return values[medianMember];
    }

    /// <summary>Index of the lower median (torch.median semantics): insertion sort of the indices, N is small.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    int LowerMedianIndex(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        Span<double> sorted = stackalloc double[n];
        var order = _order.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            int j = i;
            while (j > 0 && sorted[j - 1] > v) { sorted[j] = sorted[j - 1]; order[j] = order[j - 1]; j--; }
            sorted[j] = v;
            order[j] = i;
        }
        return order[(n - 1) / 2];
    }

    /// <summary>Spread for the uncertainty map: median absolute deviation around the median, or the standard deviation.</summary>
    public double Spread(ReadOnlySpan<double> values, double reduced)
    {
        int n = values.Length;
        if (reduction == EnsembleReduction.Mean)
        {
            if (n < 2) return double.NaN; // torch.std of one value
            double ss = 0;
            foreach (var v in values) ss += (v - reduced) * (v - reduced);
            return Math.Sqrt(ss / (n - 1));
        }
        for (int i = 0; i < n; i++) _values[i] = Math.Abs(values[i] - reduced);
        return _values[LowerMedianIndex(_values.AsSpan(0, n))];
    }
}
