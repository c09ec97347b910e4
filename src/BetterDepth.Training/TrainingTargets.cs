using BetterDepth.Evaluation;
using BetterDepth.Geometry;
using BetterDepth.Refinement;

namespace BetterDepth.Training;

/// <summary>Which parts of BetterDepth's training recipe are on (each can be switched off for the ablation).</summary>
public sealed record TrainingRecipe
{
    public Conditioning Conditioning { get; init; } = Conditioning.ImageAndDepth;
    /// <summary>Algorithm 1 step 2: least-squares fit of the prior to the normalised label.</summary>
    public bool GlobalPreAlignment { get; init; } = true;
    /// <summary>Algorithm 1 step 3: drop patches where prior and label disagree.</summary>
    public bool LocalPatchMasking { get; init; } = true;
    /// <summary>Patch size w in pixels.</summary>
    public int PatchSize { get; init; } = PatchMasking.PaperPatchSize;
    /// <summary>Threshold eta on the RMS per-pixel difference on the [-1, 1] scale.</summary>
    public double Eta { get; init; } = PatchMasking.PaperEta;

    public void Validate() => PatchMasking.Validate(PatchSize, Eta);
}

/// <summary>One training sample after Algorithm 1 steps 1-3, at pixel resolution.</summary>
/// <param name="Target">Ground-truth disparity normalised to [-1, 1] (+1 near); pixels without ground truth hold -1 (far).</param>
/// <param name="Condition">The prior's disparity on the same scale: pre-aligned to <paramref name="Target"/>, or normalised on its own.</param>
/// <param name="LossMask">Pixels that count in the loss: valid ground truth, and (with patch masking) in a kept patch.</param>
public sealed record PreparedSample(RgbImage Image, DepthMap Target, DepthMap Condition, bool[] Valid, bool[] LossMask);

/// <summary>BetterDepth's Algorithm 1, steps 1 to 3, for one sample.</summary>
public static class TrainingTargets
{
    public static PreparedSample Prepare(RgbImage image, DepthMap gtDepth, bool[] valid, DepthMap priorDisparity, TrainingRecipe recipe)
    {
        recipe.Validate();
        if (gtDepth.Kind != DepthKind.Depth) throw new ArgumentException($"ground truth must be metric depth, got {gtDepth.Kind}");
        if (!priorDisparity.Kind.IsDisparityLike()) throw new ArgumentException($"the prior must give disparity, got {priorDisparity.Kind}");
        if (!gtDepth.SameSizeAs(priorDisparity) || image.Width != gtDepth.Width || image.Height != gtDepth.Height || valid.Length != gtDepth.PixelCount)
            throw new ArgumentException($"image {image.Width}x{image.Height}, ground truth {gtDepth.Width}x{gtDepth.Height}, prior {priorDisparity.Width}x{priorDisparity.Height} and mask ({valid.Length}) must agree");

        // 1. Label.
        var (target, usable, disparity, low, high) = LabelOf(gtDepth, valid);

        // 2. Condition: global pre-alignment to the label, or (ablation) the prior's own normalisation as at test time.
        DepthMap condition;
        if (recipe.GlobalPreAlignment)
        {
            // Fit to the label before its clipping to [-1, 1] (the clipped tails are not affine in the disparity and
            // would bend the fit), then clip the aligned prior the same way, as the test-time condition is clipped.
            var unclipped = new float[valid.Length];
            for (int i = 0; i < unclipped.Length; i++) unclipped[i] = usable[i] ? (float)((disparity[i] - low) / (high - low) * 2 - 1) : 0f;
            var fit = LeastSquares.Fit(priorDisparity.Values, unclipped, usable);
            var aligned = new float[valid.Length];
            for (int i = 0; i < aligned.Length; i++) aligned[i] = (float)Math.Clamp(fit.Apply(priorDisparity.Values[i]), -1.0, 1.0);
            condition = new DepthMap(gtDepth.Width, gtDepth.Height, DepthKind.Normalized, aligned);
        }
        else
        {
            condition = DepthCondition.FromPrior(priorDisparity);
        }

        // 3. Local patch masking: keep patches where the aligned prior agrees with the label within eta.
        var lossMask = recipe.LocalPatchMasking
            ? PatchMasking.PixelMask(condition, target, usable, recipe.PatchSize, recipe.Eta)
            : (bool[])usable.Clone();
        for (int i = 0; i < lossMask.Length; i++) lossMask[i] &= usable[i];
        return new PreparedSample(image, target, condition, usable, lossMask);
    }

    /// <summary>
    /// Step 1 alone: the label a refiner learns for metric ground truth <paramref name="gtDepth"/> (see
    /// <see cref="PreparedSample.Target"/>), for measuring what the labels themselves allow.
    /// </summary>
    public static DepthMap Label(DepthMap gtDepth, bool[] valid)
    {
        if (gtDepth.Kind != DepthKind.Depth) throw new ArgumentException($"ground truth must be metric depth, got {gtDepth.Kind}");
        MapChecks.SameLength(gtDepth.PixelCount, valid.Length, nameof(valid), "valid mask");
        return LabelOf(gtDepth, valid).Target;
    }

    /// <summary>Ground truth -> disparity -> 2%/98% quantiles to [-1, 1]; no ground truth = far. Also the usable pixels,
    /// the disparity and the values that went to -1 and +1, which pre-alignment fits against.</summary>
    static (DepthMap Target, bool[] Usable, float[] Disparity, double Low, double High) LabelOf(DepthMap gtDepth, bool[] valid)
    {
        var usable = new bool[valid.Length];
        var disparity = new float[valid.Length];
        int count = 0;
        for (int i = 0; i < usable.Length; i++)
        {
            float d = gtDepth.Values[i];
            if (valid[i] && d > 0 && float.IsFinite(d)) { usable[i] = true; disparity[i] = 1f / d; count++; }
        }
        if (count < 2) throw new ArgumentException("the sample has fewer than two valid ground-truth pixels");
        var (target, low, high) = QuantileNormalization.Normalize(new DepthMap(gtDepth.Width, gtDepth.Height, DepthKind.Disparity, disparity), usable);
        SetWhereInvalid(target.Values, usable, -1f);
        return (target, usable, disparity, low, high);
    }

    static void SetWhereInvalid(float[] values, bool[] valid, float value)
    {
        for (int i = 0; i < values.Length; i++) if (!valid[i]) values[i] = value;
    }
}
