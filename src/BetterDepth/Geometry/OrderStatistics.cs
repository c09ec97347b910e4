namespace BetterDepth.Geometry;

/// <summary>
/// Quantiles without sorting: Hoare's selection puts the k-th smallest value in place in expected linear time, which
/// is all a 2% / 98% quantile needs (sorting a 512x512 map cost about as much as the rest of the normalisation).
/// </summary>
internal static class OrderStatistics
{
    /// <summary>
    /// The q-quantile of <paramref name="values"/> with linear interpolation between order statistics (torch.quantile's
    /// default), reordering <paramref name="values"/> in place. Equal to <see cref="QuantileNormalization.Quantile"/>
    /// of the sorted values.
    /// </summary>
    public static double Quantile(Span<float> values, double q)
    {
        if (values.Length == 0) throw new ArgumentException("no values to take a quantile of", nameof(values));
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "quantile must be in [0, 1]");
        double position = q * (values.Length - 1);
        int below = (int)Math.Floor(position);
        float lower = Select(values, below);
        if (below + 1 >= values.Length) return lower;
        // after selection everything right of `below` is >= it, so the next order statistic is their minimum
        float upper = values[below + 1];
        for (int i = below + 2; i < values.Length; i++) upper = Math.Min(upper, values[i]);
        return lower + (position - below) * ((double)upper - lower);
    }

    /// <summary>Reorders <paramref name="values"/> so that index k holds the k-th smallest, smaller ones before it and larger after.</summary>
    public static float Select(Span<float> values, int k)
    {
        if ((uint)k >= (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"rank must be in [0, {values.Length})");
        int left = 0, right = values.Length - 1;
        // A bad run of pivots falls back to sorting the remaining range, so the worst case stays O(n log n).
        int budget = 2 * (int)Math.Ceiling(Math.Log2(values.Length + 1)) + 8;
        while (right > left)
        {
            if (budget-- == 0)
            {
                values.Slice(left, right - left + 1).Sort();
                break;
            }
            float pivot = MedianOfThree(values[left], values[left + (right - left) / 2], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i > j) break;
                (values[i], values[j]) = (values[j], values[i]);
                i++;
                j--;
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else break; // j < k < i: values[k] equals the pivot
        }
        return values[k];
    }

    static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
