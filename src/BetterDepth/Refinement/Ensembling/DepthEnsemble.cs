namespace BetterDepth.Refinement;

/// <summary>
/// The combined prediction, normalised to [0, 1] (affine) or to max 1 (scale only), and the per-pixel
/// spread of the aligned members in the same units. Scales/Shifts are the fitted per-member alignment.
/// </summary>
public sealed record EnsembleResult(DepthMap Result, DepthMap? Uncertainty)
{
    public IReadOnlyList<double> Scales { get; init; } = [];
    public IReadOnlyList<double> Shifts { get; init; } = [];
}

/// <summary>
/// Test-time ensembling of several affine-invariant predictions of one image, as Marigold does it
/// (marigold/util/ensemble.py): fit a scale and shift per member so that all members agree (sum of pairwise
/// RMS differences) while the reduced result stays near [0, 1], on a copy downscaled to
/// <c>maxResolution</c>; apply the fit at full resolution; reduce per pixel; normalise.
/// Marigold minimises with scipy's BFGS on finite differences; here BFGS runs on the analytic gradient
/// (<see cref="AlignmentObjective"/>), and member 0's alignment is held at its start (Marigold leaves it free;
/// see FitAlignment for why).
/// </summary>
public static class DepthEnsemble
{
    public static EnsembleResult Reduce(
        IReadOnlyList<DepthMap> members,
        EnsembleReduction reduction = EnsembleReduction.Median,
        int maxResolution = 1024,
        EnsembleAlignment alignment = EnsembleAlignment.Affine,
        double regularizerStrength = 0.02,
        int maxIterations = 50,
        double tolerance = 1e-6,
        bool computeUncertainty = true)
    {
        Validate(members, maxResolution, regularizerStrength, maxIterations, tolerance);
        int n = members.Count;
        var first = members[0];

        var (scales, shifts) = alignment == EnsembleAlignment.None
            ? (Enumerable.Repeat(1.0, n).ToArray(), new double[n])
            : FitAlignment(members, reduction, maxResolution, alignment == EnsembleAlignment.Affine, regularizerStrength, maxIterations, tolerance);

        int count = first.PixelCount;
        var reduced = new double[count];
        var spread = computeUncertainty ? new double[count] : null;
        var reducer = new PixelReducer(reduction, n);
        var pixel = new double[n];
        for (int p = 0; p < count; p++)
        {
            for (int i = 0; i < n; i++) pixel[i] = scales[i] * members[i].Values[p] + shifts[i];
            reduced[p] = reducer.Reduce(pixel, out _);
            if (spread is not null) spread[p] = n == 1 ? 0 : reducer.Spread(pixel, reduced[p]);
        }

        // Marigold's final normalisation: affine -> [0, 1]; scale only -> [0, max] / max; none -> unchanged.
        double low = alignment == EnsembleAlignment.Affine ? reduced.Min() : 0;
        double range = alignment == EnsembleAlignment.None ? 1 : Math.Max(reduced.Max() - low, 1e-6);
        var result = new DepthMap(first.Width, first.Height, first.Kind, reduced.Select(v => (float)((v - low) / range)).ToArray());
        var uncertainty = spread is null ? null : new DepthMap(first.Width, first.Height, first.Kind, spread.Select(v => (float)(v / range)).ToArray());
        return new EnsembleResult(result, uncertainty)
        {
            Scales = scales.Select(s => s / range).ToArray(),
            Shifts = shifts.Select(t => (t - low) / range).ToArray(),
        };
    }

    static (double[] Scales, double[] Shifts) FitAlignment(IReadOnlyList<DepthMap> members, EnsembleReduction reduction, int maxResolution,
        bool withShift, double regularizerStrength, int maxIterations, double tolerance)
    {
        int n = members.Count;
        var small = members.Select(m => Downscale(m, maxResolution)).ToArray();

        // Marigold's start: each member mapped to [0, 1] (affine) or to max 1 (scale only).
        var start = new double[withShift ? 2 * n : n];
        for (int i = 0; i < n; i++)
        {
            double min = small[i].Min(), max = small[i].Max();
            if (withShift)
            {
                start[i] = 1 / Math.Max(max - min, 1e-6);
                start[n + i] = -start[i] * min;
            }
            else start[i] = 1 / Math.Max(max, 1e-6);
        }

        // Gauge fixing: member 0 keeps its start. The cost is degree-1 homogeneous in a common scale of all
        // members while the regulariser weighs only 0.02, so with every member free (Marigold) shrinking all
        // of them towards one constant always lowers the cost; a converged BFGS then returns a degenerate,
        // even sign-flipped, alignment. The final min-max normalisation makes the result independent of the
        // common scale and shift, so fixing one member loses nothing.
        var objective = new AlignmentObjective(small, withShift, reduction, regularizerStrength);
        var free = Enumerable.Range(0, start.Length).Where(k => k != 0 && k != n).ToArray(); // k = n is member 0's shift
        var full = (double[])start.Clone();
        var fullGradient = new double[start.Length];
        double Restricted(double[] x, double[] gradient)
        {
            for (int k = 0; k < free.Length; k++) full[free[k]] = x[k];
            double cost = objective.Evaluate(full, fullGradient);
            for (int k = 0; k < free.Length; k++) gradient[k] = fullGradient[free[k]];
            return cost;
        }
        if (free.Length > 0)
        {
            var solution = Bfgs.Minimize(Restricted, free.Select(k => start[k]).ToArray(), maxIterations, tolerance);
            for (int k = 0; k < free.Length; k++) full[free[k]] = solution[k];
        }
        return (full[..n], withShift ? full[n..] : new double[n]);
    }

    /// <summary>
    /// Nearest-exact downscale so the long side is at most <paramref name="maxResolution"/> (Marigold's
    /// resize_max_res with "nearest-exact": size = int(side * factor), source = floor((dst + 0.5) * in / out)).
    /// </summary>
    static double[] Downscale(DepthMap map, int maxResolution)
    {
        if (Math.Max(map.Width, map.Height) <= maxResolution) return map.Values.Select(v => (double)v).ToArray();
        double factor = Math.Min((double)maxResolution / map.Width, (double)maxResolution / map.Height);
        int w = Math.Max(1, (int)(map.Width * factor)), h = Math.Max(1, (int)(map.Height * factor));
        var values = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            int sy = Math.Min(map.Height - 1, (int)Math.Floor((y + 0.5) * map.Height / h));
            for (int x = 0; x < w; x++)
            {
                int sx = Math.Min(map.Width - 1, (int)Math.Floor((x + 0.5) * map.Width / w));
                values[y * w + x] = map.Values[sy * map.Width + sx];
            }
        }
        return values;
    }

    static void Validate(IReadOnlyList<DepthMap> members, int maxResolution, double regularizerStrength, int maxIterations, double tolerance)
    {
        if (members is null || members.Count == 0) throw new ArgumentException("the ensemble needs at least one member", nameof(members));
        var first = members[0];
        for (int i = 0; i < members.Count; i++)
        {
            var m = members[i] ?? throw new ArgumentException($"member {i} is null", nameof(members));
            if (!m.SameSizeAs(first)) throw new ArgumentException($"member {i} is {m.Width}x{m.Height}, member 0 is {first.Width}x{first.Height}", nameof(members));
            if (m.Kind != first.Kind) throw new ArgumentException($"member {i} is {m.Kind}, member 0 is {first.Kind}", nameof(members));
            int bad = Array.FindIndex(m.Values, v => !float.IsFinite(v));
            if (bad >= 0) throw new ArgumentException($"member {i} has a non-finite value ({m.Values[bad]}) at pixel {bad}", nameof(members));
        }
        if (maxResolution < 1) throw new ArgumentOutOfRangeException(nameof(maxResolution), $"must be at least 1, got {maxResolution}");
        if (!(regularizerStrength >= 0) || double.IsInfinity(regularizerStrength)) throw new ArgumentOutOfRangeException(nameof(regularizerStrength), $"must be >= 0 and finite, got {regularizerStrength}");
        if (maxIterations < 0) throw new ArgumentOutOfRangeException(nameof(maxIterations), $"must be >= 0, got {maxIterations}");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), $"must be positive, got {tolerance}");
    }
}
