using System.Security.Cryptography;
using System.Text;
using BetterDepth.Imaging;

namespace BetterDepth.Training.Priors;

/// <summary>
/// A synthetic "prior" for controlled experiments: ground truth turned into affine disparity and spoiled the ways
/// feed-forward models are wrong (blurred detail, smooth low-frequency distortion, noise, unknown scale and shift).
/// Deterministic per (settings.Seed, image key). Holes in the ground truth are filled from their surroundings,
/// since a real prior predicts everywhere.
/// </summary>
internal sealed class DegradedGroundTruthPrior
{
    public DegradationSettings Settings { get; }

    public DegradedGroundTruthPrior(DegradationSettings? settings = null)
    {
        Settings = settings ?? new DegradationSettings();
        Settings.Validate();
    }

    /// <param name="gtDepth">Metric depth (<see cref="DepthKind.Depth"/>) or metric disparity.</param>
    /// <param name="valid">Ground-truth validity; only valid pixels with positive finite values are used.</param>
    /// <param name="imageKey">Identifies the image so that its randomness is reproducible (e.g. its dataset path).</param>
    public DepthMap Predict(DepthMap gtDepth, bool[] valid, string imageKey)
    {
        if (gtDepth.Kind is not (DepthKind.Depth or DepthKind.Disparity))
            throw new ArgumentException($"ground truth must be metric Depth or Disparity, got {gtDepth.Kind}", nameof(gtDepth));
        if (valid.Length != gtDepth.PixelCount)
            throw new ArgumentException($"mask has {valid.Length} entries for a {gtDepth.Width}x{gtDepth.Height} map", nameof(valid));
        int w = gtDepth.Width, h = gtDepth.Height, n = w * h;
        var rng = new Random(SeedFor(Settings.Seed, imageKey));

        var disparity = new float[n];
        var known = new bool[n];
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            float v = gtDepth.Values[i];
            if (!valid[i] || !(v > 0) || !float.IsFinite(v)) continue;
            float d = gtDepth.Kind == DepthKind.Depth ? 1f / v : v;
            disparity[i] = d;
            known[i] = true;
            lo = Math.Min(lo, d);
            hi = Math.Max(hi, d);
        }
        if (lo > hi) throw new ArgumentException($"ground truth for '{imageKey}' has no valid positive values", nameof(gtDepth));
        float range = Math.Max(hi - lo, 1e-6f);

        HoleFilling.Fill(disparity, known, w, h);
        double sigma = Settings.BlurSigma * Math.Max(w, h);
        if (sigma >= 0.3) disparity = MaskedGaussianBlur.Apply(disparity, Ones(n), w, h, sigma).Values;

        var gain = SmoothField(rng, w, h);
        var offset = SmoothField(rng, w, h);
        double scale = Math.Exp((rng.NextDouble() * 2 - 1) * Math.Log(Settings.MaxScale));
        double shift = (rng.NextDouble() * 2 - 1) * Settings.MaxShift * range;
        var output = new float[n];
        for (int i = 0; i < n; i++)
        {
            double d = disparity[i] * Math.Exp(Settings.MultiplicativeDistortion * gain[i])
                       + Settings.AdditiveDistortion * range * offset[i]
                       + Settings.NoiseStd * range * Gaussian(rng);
            output[i] = (float)(scale * d + shift);
        }
        return new DepthMap(w, h, DepthKind.AffineDisparity, output);
    }

    /// <summary>A smooth N(0, 1) field: a random (cells+1)^2 grid interpolated bicubically to the image size.</summary>
    float[] SmoothField(Random rng, int w, int h)
    {
        int cells = Settings.DistortionCells + 1;
        var grid = new float[cells * cells];
        for (int i = 0; i < grid.Length; i++) grid[i] = (float)Gaussian(rng);
        var map = new DepthMap(cells, cells, DepthKind.Normalized, grid);
        return Resampling.Resize(map, w, h, ResizeFilter.Bicubic, antialias: false).Values;
    }

    static float[] Ones(int n)
    {
        var a = new float[n];
        Array.Fill(a, 1f);
        return a;
    }

    static double Gaussian(Random rng)
    {
        // Box-Muller; 1 - u keeps the logarithm finite.
        double u = 1 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>A stable (across runs and platforms) seed from the experiment seed and the image key.</summary>
    static int SeedFor(int seed, string key) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{key}")), 0);
}
