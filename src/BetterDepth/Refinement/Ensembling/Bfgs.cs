namespace BetterDepth.Refinement;

/// <summary>
/// Unconstrained BFGS (Nocedal &amp; Wright, Algorithm 6.1) with an Armijo backtracking line search and
/// analytic gradients. Stops when the largest gradient component is below the tolerance (scipy's gtol,
/// which Marigold's "tol" sets), after the iteration budget, or when no step decreases the cost any more
/// (the ensemble cost has kinks where members agree exactly).
/// </summary>
static class Bfgs
{
    public delegate double Objective(double[] x, double[] gradient);

    public static double[] Minimize(Objective f, double[] start, int maxIterations, double gradientTolerance)
    {
        int n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        double fx = f(x, g);
        var h = Identity(n);
        var xNew = new double[n];
        var gNew = new double[n];
        var p = new double[n];
        var s = new double[n];
        var y = new double[n];

        for (int iter = 0; iter < maxIterations; iter++)
        {
            if (g.Max(Math.Abs) < gradientTolerance) break;

            // Search direction p = -H g; fall back to steepest descent if H lost positive definiteness.
            for (int i = 0; i < n; i++) { double sum = 0; for (int j = 0; j < n; j++) sum -= h[i, j] * g[j]; p[i] = sum; }
            double slope = Dot(g, p);
            if (!(slope < 0)) { h = Identity(n); for (int i = 0; i < n; i++) p[i] = -g[i]; slope = -Dot(g, g); }

            double alpha = 1, fNew = double.NaN;
            bool accepted = false;
            for (int tries = 0; tries < 60; tries++, alpha *= 0.5)
            {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + alpha * p[i];
                fNew = f(xNew, gNew);
                if (fNew <= fx + 1e-4 * alpha * slope) { accepted = true; break; }
            }
            if (!accepted || !double.IsFinite(fNew)) break;

            for (int i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
            double ys = Dot(y, s);
            if (iter == 0 && ys > 0) h = Scaled(Identity(n), ys / Dot(y, y)); // N&W eq. 6.20: sensible first scale
            if (ys > 1e-12 * Math.Sqrt(Dot(s, s) * Dot(y, y))) Update(h, s, y, 1 / ys);

            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            fx = fNew;
        }
        return x;
    }

    /// <summary>H &lt;- (I - rho s y^T) H (I - rho y s^T) + rho s s^T.</summary>
    static void Update(double[,] h, double[] s, double[] y, double rho)
    {
        int n = s.Length;
        var hy = new double[n];
        for (int i = 0; i < n; i++) { double sum = 0; for (int j = 0; j < n; j++) sum += h[i, j] * y[j]; hy[i] = sum; }
        double yhy = Dot(y, hy);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                h[i, j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }

    static double Dot(double[] a, double[] b) { double sum = 0; for (int i = 0; i < a.Length; i++) sum += a[i] * b[i]; return sum; }

    static double[,] Identity(int n) { var m = new double[n, n]; for (int i = 0; i < n; i++) m[i, i] = 1; return m; }

    static double[,] Scaled(double[,] m, double k) { for (int i = 0; i < m.GetLength(0); i++) for (int j = 0; j < m.GetLength(1); j++) m[i, j] *= k; return m; }
}
