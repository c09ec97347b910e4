using BetterDepth.Refinement;
using static TorchSharp.torch;

namespace BetterDepth.Training;

/// <summary>A batch of prepared samples as tensors on the training device, mirrored where the draw says so.</summary>
internal sealed record TrainingBatch(Tensor Images, Tensor Targets, Tensor Conditions, Tensor LossMask, Tensor Valid)
{
    public static TrainingBatch Stack(IReadOnlyList<PreparedSample> samples, IReadOnlyList<bool> flips, Device device)
    {
        var images = new List<Tensor>();
        var targets = new List<Tensor>();
        var conditions = new List<Tensor>();
        var masks = new List<Tensor>();
        var valids = new List<Tensor>();
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            int w = s.Target.Width, h = s.Target.Height;
            Tensor Flip(Tensor t) => flips[i] ? t.flip(3) : t;
            images.Add(Flip(TensorConversions.ToTensor(s.Image, device)));
            targets.Add(Flip(TensorConversions.ToTensor(s.Target, device)));
            conditions.Add(Flip(TensorConversions.ToTensor(s.Condition, device)));
            masks.Add(Flip(tensor(s.LossMask, [1, 1, h, w]).to(ScalarType.Float32).to(device)));
            valids.Add(Flip(tensor(s.Valid, [1, 1, h, w]).to(ScalarType.Float32).to(device)));
        }
        return new TrainingBatch(cat(images, 0), cat(targets, 0), cat(conditions, 0), cat(masks, 0), cat(valids, 0));
    }

    /// <summary>
    /// The loss mask at latent resolution: a latent cell counts when a kept patch covers it (MaxPool of the patch
    /// mask, as the paper says) and all its pixels have ground truth (Marigold's valid-mask down-sampling).
    /// </summary>
    public Tensor LatentMask(int factor)
    {
        using var scope = NewDisposeScope();
        var kept = nn.functional.max_pool2d(LossMask, factor, factor);
        var allValid = nn.functional.max_pool2d(Valid.neg(), factor, factor).neg();
        return (kept * allValid).MoveToOuterDisposeScope();
    }
}
