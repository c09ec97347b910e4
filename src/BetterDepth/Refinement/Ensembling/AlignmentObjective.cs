using System.Runtime.CompilerServices;

namespace BetterDepth.Refinement;

/// <summary>
/// Marigold's ensemble-alignment cost over per-member scales s_i and shifts t_i, with its analytic gradient:
///   cost = sum_{i&lt;j} RMS(s_i a_i + t_i - s_j a_j - t_j) + lambda (|min p| + |1 - max p|),
/// where p = reduce_i(s_i a_i + t_i) is the per-pixel median or mean. The pairwise RMS comes from moments
/// computed once (mean mu_i and covariance C_ij of the members), so it costs O(N^2) per evaluation:
///   RMS^2 = s_i^2 C_ii + s_j^2 C_jj - 2 s_i s_j C_ij + (c_i - c_j)^2,  c_i = s_i mu_i + t_i.
/// The regulariser needs one pass over the pixels. Its gradient is the (sub)gradient at the pixels holding
/// the minimum and maximum; the RMS uses sqrt(m + 1e-12) so it stays differentiable where members agree.
/// Parameters: [s_0..s_{N-1}, t_0..t_{N-1}] (affine) or [s_0..s_{N-1}] (scale only).
/// </summary>
internal sealed class AlignmentObjective
{
    const double RmsFloor = 1e-12;
    readonly double[][] _members;
    readonly double[] _mean;
    readonly double[,] _cov;
    readonly bool _withShift;
    readonly double _lambda;
    readonly PixelReducer _reducer;
    readonly double[] _pixelMajor; // value of member i at pixel p in [p * N + i]: one pixel's members are adjacent

    public int Members => _members.Length;
    /// <summary>How many times <see cref="Evaluate"/> ran (for measuring the optimiser).</summary>
    public int Evaluations { get; private set; }

    /// <summary>Members as row-major pixel arrays of equal length (already downscaled).</summary>
    public AlignmentObjective(double[][] members, bool withShift, EnsembleReduction reduction, double regularizerStrength)
    {
        _members = members;
        _withShift = withShift;
        _lambda = regularizerStrength;
        _reducer = new PixelReducer(reduction, members.Length);
        int n = members.Length, count = members[0].Length;
        if (members.Any(m => m.Length != count)) throw new ArgumentException("all members must have the same number of pixels", nameof(members));
        _pixelMajor = new double[n * count];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < count; p++) _pixelMajor[p * n + i] = members[i][p];
        (_mean, _cov) = Moments(members);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static (double[] Mean, double[,] Covariance) Moments(double[][] members)
    {
        int n = members.Length, count = members[0].Length;
        var mean = new double[n];
        for (int i = 0; i < n; i++) { double sum = 0; foreach (var v in members[i]) sum += v; mean[i] = sum / count; }
        var centred = members.Select((m, i) => m.Select(v => v - mean[i]).ToArray()).ToArray();
        var cov = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                var a = centred[i].AsSpan(); var b = centred[j].AsSpan();
                double sum = 0;
                for (int p = 0; p < a.Length; p++) sum += a[p] * b[p];
                cov[i, j] = cov[j, i] = sum / count;
            }
        return (mean, cov);
    }

    double Shift(double[] x, int i) => _withShift ? x[Members + i] : 0;

    /// <summary>Cost at <paramref name="x"/>; writes the gradient into <paramref name="gradient"/>.</summary>
    public double Evaluate(double[] x, double[] gradient)
    {
        Evaluations++;
        int n = Members;
        Array.Clear(gradient);
        double cost = 0;

        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double si = x[i], sj = x[j];
                double dc = si * _mean[i] + Shift(x, i) - sj * _mean[j] - Shift(x, j);
                double m = si * si * _cov[i, i] + sj * sj * _cov[j, j] - 2 * si * sj * _cov[i, j] + dc * dc;
                double rms = Math.Sqrt(Math.Max(m, 0) + RmsFloor);
                cost += rms;
                double k = 1 / (2 * rms); // d rms / d m
                gradient[i] += k * (2 * si * _cov[i, i] - 2 * sj * _cov[i, j] + 2 * dc * _mean[i]);
                gradient[j] += k * (2 * sj * _cov[j, j] - 2 * si * _cov[i, j] - 2 * dc * _mean[j]);
                if (_withShift)
                {
                    gradient[n + i] += k * 2 * dc;
                    gradient[n + j] -= k * 2 * dc;
                }
            }

        if (_lambda > 0) cost += Regulariser(x, gradient);
        return cost;
    }

    /// <summary>lambda (|min p| + |1 - max p|) and its gradient, p the reduced aligned members.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double Regulariser(double[] x, double[] gradient)
    {
        int n = Members, count = _members[0].Length;
        Span<double> scale = stackalloc double[n];
        Span<double> shift = stackalloc double[n];
        Span<double> pixel = stackalloc double[n];
        for (int i = 0; i < n; i++) { scale[i] = x[i]; shift[i] = Shift(x, i); }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int minPixel = 0, maxPixel = 0, minMember = -1, maxMember = -1;
        var values = _pixelMajor;
        for (int p = 0, o = 0; p < count; p++, o += n)
        {
            for (int i = 0; i < n; i++) pixel[i] = scale[i] * values[o + i] + shift[i];
            double v = _reducer.Reduce(pixel, out int member);
            if (v < min) { min = v; minPixel = p; minMember = member; }
            if (v > max) { max = v; maxPixel = p; maxMember = member; }
        }
        AddReducedGradient(gradient, minPixel, minMember, _lambda * Math.Sign(min));
        AddReducedGradient(gradient, maxPixel, maxMember, -_lambda * Math.Sign(1 - max));
        return _lambda * (Math.Abs(min) + Math.Abs(1 - max));
    }

    /// <summary>Adds weight * d p[pixel] / d params: the median member only, or every member with 1/N for the mean.</summary>
    void AddReducedGradient(double[] gradient, int pixel, int medianMember, double weight)
    {
        int n = Members;
        for (int i = 0; i < n; i++)
        {
            double share = medianMember < 0 ? 1.0 / n : (i == medianMember ? 1.0 : 0.0);
            if (share == 0) continue;
            gradient[i] += weight * share * _members[i][pixel];
            if (_withShift) gradient[n + i] += weight * share;
        }
    }
}
