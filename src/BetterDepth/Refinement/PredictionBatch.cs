using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>
/// What happened to a batch of images: how many were refined and written, which were skipped and why, and the
/// pipeline's stage timings summed over the refined images (decoding and writing are not pipeline stages).
/// </summary>
public sealed record PredictionBatchOutcome(int Written, IReadOnlyList<(ImageInput Input, Exception Error)> Skipped, StageTimings Timings);

/// <summary>
/// <c>betterdepth predict</c> over many images: image i+1 is decoded and refined while image i's outputs are encoded
/// and written on another thread. PNG encoding is serial work that would otherwise leave the model's cores waiting;
/// at most one image's outputs are in flight, so memory stays that of two images.
/// </summary>
public sealed class PredictionBatch(RefinementPipeline pipeline, PredictionWriter writer)
{
    /// <param name="skippable">Errors that skip one image (bad file, wrong prior input) instead of stopping the batch.</param>
    public PredictionBatchOutcome Run(IReadOnlyList<ImageInput> inputs, string outputDir, Func<Exception, bool> skippable,
        IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        var skipped = new List<(ImageInput, Exception)>();
        var timings = new StageTimings();
        int written = 0;
        Task? pending = null;
        ImageInput? pendingInput = null;

        void WaitForPendingWrite()
        {
            if (pending is null) return;
            try { pending.GetAwaiter().GetResult(); written++; }
            catch (Exception e) when (skippable(e)) { skipped.Add((pendingInput!, e)); }
            finally { pending = null; }
        }

        bool completed = false;
        try
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var input = inputs[i];
                progress?.Report(new WorkProgress(i, inputs.Count, Path.GetFileName(input.Path)));
                RgbImage image;
                RefinementResult result;
                try
                {
                    image = ImageFile.ReadRgb(input.Path);
                    result = pipeline.Run(image, input.RelativeStem + Path.GetExtension(input.Path), ct);
                }
                catch (Exception e) when (skippable(e))
                {
                    skipped.Add((input, e));
                    continue;
                }
                foreach (var (stage, seconds) in result.Timings.Stages) timings.Add(stage, seconds);
                WaitForPendingWrite();
                pendingInput = input;
                var stem = Path.Combine(outputDir, input.RelativeStem);
                pending = Task.Run(() => writer.Write(stem, image, result), CancellationToken.None);
            }
            WaitForPendingWrite();
            completed = true;
            progress?.Report(new WorkProgress(inputs.Count, inputs.Count));
        }
        finally
        {
            // Cancelled or failed: let the write in flight finish (its files are atomic either way) before returning.
            if (!completed && pending is not null) try { pending.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
        return new PredictionBatchOutcome(written, skipped, timings);
    }
}
