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
    int LowerMedianIndex(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        for (int i = 0; i < n; i++)
        {
            int j = i;
            while (j > 0 && values[_order[j - 1]] > values[i]) { _order[j] = _order[j - 1]; j--; }
            _order[j] = i;
        }
        return _order[(n - 1) / 2];
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
