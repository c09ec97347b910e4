namespace BetterDepth.Refinement.Sharding;

/// <summary>What a shard did: counts of its inputs by fate, and how many inputs of all shards it walked past.</summary>
public sealed record ShardOutcome(int Done, int SkippedExisting, IReadOnlyList<(ImageInput Input, Exception Error)> Failed, long InputsSeen, StageTimings Timings);

/// <summary>
/// <c>betterdepth predict</c> for one shard of a (possibly huge) input stream: takes the stream's inputs that belong
/// to <paramref name="shard"/>, skips those whose outputs are all there already (<paramref name="skipExisting"/>),
/// refines the rest through <see cref="PredictionBatch"/> and keeps the shard's manifest up to date. Only the
/// shard's own output stems are held in memory (to refuse a second input that would overwrite the outputs of a
/// first); the stream is read one input ahead of the work.
/// </summary>
public sealed class ShardedPrediction(RefinementPipeline pipeline, PredictionWriter writer, ShardSpec shard, bool skipExisting, bool withUncertainty)
{
    public const string DefaultManifestFolder = ".shards";

    public ShardOutcome Run(IEnumerable<ImageInput> inputs, string outputDir, string? manifestFolder, Func<Exception, bool> skippable,
        IProgress<WorkProgress>? progress = null, CancellationToken ct = default)
    {
        ShardManifestWriter? manifest = null;
        if (manifestFolder is not null)
        {
            Directory.CreateDirectory(manifestFolder);
            AtomicFile.RemoveStaleTemps(manifestFolder);
            manifest = new ShardManifestWriter(Path.Combine(manifestFolder, ShardManifest.FileName(shard)), shard);
        }
        var observer = new Observer(manifest);
        long seen = 0;
        int skippedExisting = 0;
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        var cleaned = new HashSet<string>(StringComparer.Ordinal);
        var batch = new PredictionBatch(pipeline, writer);

        IEnumerable<ImageInput> Mine()
        {
            foreach (var input in inputs)
            {
                seen++;
                if (!shard.Contains(input.RelativeStem)) continue;
                var key = ShardSpec.Normalize(input.RelativeStem);
                if (stems.TryGetValue(key, out var first))
                {
                    observer.Failed(input, new ArgumentException($"{input.Path} would overwrite the outputs '{key}.*' of {first}; process it separately"), 0);
                    continue;
                }
                stems.Add(key, input.Path);
                var stem = Path.Combine(outputDir, input.RelativeStem);
                // a killed run's temp files, also beside outputs that are complete and will not be written again
                var folder = Path.GetDirectoryName(Path.GetFullPath(stem))!;
                if (cleaned.Add(folder)) AtomicFile.RemoveStaleTemps(folder);
                if (skipExisting && writer.IsComplete(stem, withUncertainty))
                {
                    skippedExisting++;
                    manifest?.Add(new ManifestEntry(key, input.Path, ManifestEntry.SkippedExisting, 0));
                    continue;
                }
                yield return input;
            }
        }

        string state = ShardManifest.Crashed;
        try
        {
            var outcome = batch.Run(Mine(), null, outputDir, skippable, observer, progress, ct);
            state = ShardManifest.Finished;
            if (seen == 0) throw new ArgumentException("no images found (.png, .jpg, .jpeg) in the given inputs");
            return new ShardOutcome(outcome.Written, skippedExisting, observer.FailedInputs, seen, outcome.Timings);
        }
        catch (OperationCanceledException)
        {
            state = ShardManifest.Cancelled;
            throw;
        }
        finally
        {
            manifest?.Finish(state, seen);
        }
    }

    sealed class Observer(ShardManifestWriter? manifest) : PredictionBatch.IObserver
    {
        public List<(ImageInput, Exception)> FailedInputs { get; } = [];

        public void Done(ImageInput input, double seconds) =>
            manifest?.Add(new ManifestEntry(ShardSpec.Normalize(input.RelativeStem), input.Path, ManifestEntry.Done, Math.Round(seconds, 4)));

        public void Failed(ImageInput input, Exception error, double seconds)
        {
            FailedInputs.Add((input, error));
            manifest?.Add(new ManifestEntry(ShardSpec.Normalize(input.RelativeStem), input.Path, ManifestEntry.Failed, Math.Round(seconds, 4),
                $"{error.GetType().Name}: {OneLine.Escape(error.Message)}"));
        }
    }
}
