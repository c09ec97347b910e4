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
    /// <summary>
    /// Told of each image as soon as its fate is known: <c>Done</c> once all its files are written, <c>Failed</c> with the
    /// skippable error. Seconds are the image's own work (decode, refine, write), not the wall time between two images.
    /// Called on the thread that runs the batch.
    /// </summary>
    public interface IObserver
    {
        void Done(ImageInput input, double seconds);
        void Failed(ImageInput input, Exception error, double seconds);
    }

    public PredictionBatchOutcome Run(IReadOnlyList<ImageInput> inputs, string outputDir, Func<Exception, bool> skippable,
        IProgress<WorkProgress>? progress = null, CancellationToken ct = default) =>
        Run(inputs, inputs.Count, outputDir, skippable, null, progress, ct);

    /// <param name="inputs">Consumed lazily, one image ahead of the writes, so a stream of a million paths is never held.</param>
    /// <param name="total">How many <paramref name="inputs"/> will yield, for progress; null when not known (a stream).</param>
    /// <param name="skippable">Errors that skip one image (bad file, wrong prior input) instead of stopping the batch.</param>
    public PredictionBatchOutcome Run(IEnumerable<ImageInput> inputs, int? total, string outputDir, Func<Exception, bool> skippable,
        IObserver? observer, IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        var skipped = new List<(ImageInput, Exception)>();
        var timings = new StageTimings();
        int written = 0;
        Task<double>? pending = null;
        ImageInput? pendingInput = null;
        double pendingSeconds = 0;

        void WaitForPendingWrite()
        {
            if (pending is null) return;
            var input = pendingInput!;
            try
            {
                var writeSeconds = pending.GetAwaiter().GetResult();
                written++;
                observer?.Done(input, pendingSeconds + writeSeconds);
            }
            catch (Exception e) when (skippable(e))
            {
                skipped.Add((input, e));
                observer?.Failed(input, e, pendingSeconds);
            }
            finally { pending = null; }
        }

        bool completed = false;
        try
        {
            int i = 0;
            foreach (var input in inputs)
            {
                ct.ThrowIfCancellationRequested();
                // an unknown total shows as "i + 1 so far"
                progress?.Report(new WorkProgress(i, total ?? i + 1, Path.GetFileName(input.Path)));
                i++;
                var clock = System.Diagnostics.Stopwatch.StartNew();
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
                    observer?.Failed(input, e, clock.Elapsed.TotalSeconds);
                    continue;
                }
                foreach (var (stage, seconds) in result.Timings.Stages) timings.Add(stage, seconds);
                var refineSeconds = clock.Elapsed.TotalSeconds;
                WaitForPendingWrite();
                pendingInput = input;
                pendingSeconds = refineSeconds;
                var stem = Path.Combine(outputDir, input.RelativeStem);
                pending = Task.Run(() =>
                {
                    var write = System.Diagnostics.Stopwatch.StartNew();
                    writer.Write(stem, image, result);
                    return write.Elapsed.TotalSeconds;
                }, CancellationToken.None);
            }
            WaitForPendingWrite();
            completed = true;
            progress?.Report(new WorkProgress(i, total ?? i));
        }
        finally
        {
            // Cancelled or failed: let the write in flight finish (its files are atomic either way) before returning.
            if (!completed && pending is not null) try { pending.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
        return new PredictionBatchOutcome(written, skipped, timings);
    }
}
