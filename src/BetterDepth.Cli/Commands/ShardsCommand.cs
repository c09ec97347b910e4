using System.CommandLine;
using BetterDepth.Refinement;
using BetterDepth.Refinement.Sharding;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth shards summarize DIR</c>: merge the manifests of a sharded predict and say what is left.</summary>
public static class ShardsCommand
{
    /// <summary>The exit code while inputs are missing or failed, or shards unfinished (2 stays "bad input").</summary>
    public const int ExitIncomplete = 3;

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "The output folder of the sharded predict (or its manifest folder, .shards)" };
        var inputs = new Option<string[]>("--inputs") { Description = "The images and folders given to predict: inputs that no manifest mentions are listed as missing", AllowMultipleArgumentsPerToken = true };
        var inputList = new Option<string?>("--input-list") { Description = "The --input-list given to predict, for the same check" };
        var inputRoot = new Option<string?>("--input-root") { Description = "The --input-root given to predict" };
        var json = new Option<string?>("--json") { Description = "Also write the merged summary as JSON to this file (atomically)" };
        var indices = new Option<bool>("--rerun-indices") { Description = "Print only the shard indices to run again, comma-separated (empty when complete), for sbatch --array" };
        var limit = new Option<int>("--limit") { Description = "List at most this many failed or missing inputs", DefaultValueFactory = _ => 50 };

        var summarize = new Command("summarize", "Merge the shards' manifests; list failed and missing inputs and unfinished shards; exit 3 while any are, 0 when all is done")
        {
            dir, inputs, inputList, inputRoot, json, indices, limit,
        };
        summarize.SetAction((parse, ct) => CommandRunner.RunAsync(ct =>
        {
            var loaded = ShardManifest.LoadAll(parse.GetValue(dir)!);
            IEnumerable<string>? expected = null;
            var paths = parse.GetValue(inputs) ?? [];
            if (paths.Length > 0 && parse.GetValue(inputList) is not null) throw new ArgumentException("give --inputs or --input-list, not both");
            if (paths.Length > 0) expected = ImageInputs.Stream(paths).Select(i => i.RelativeStem);
            else if (parse.GetValue(inputList) is { } list) expected = ImageInputs.FromList(list, parse.GetValue(inputRoot)).Select(i => i.RelativeStem);
            var summary = ShardSummary.Merge(loaded.Select(l => l.Manifest).ToList(), expected);

            if (parse.GetValue(json) is { } jsonPath) WriteJson(jsonPath, summary);
            if (parse.GetValue(indices))
            {
                Console.WriteLine(string.Join(",", summary.RerunIndices));
                return Task.FromResult(summary.IsComplete ? 0 : ExitIncomplete);
            }
            int max = parse.GetValue(limit);
            Console.WriteLine($"{summary.ManifestCount} manifests, {summary.Shards} shards: {summary.Complete} inputs complete ({summary.Done} done, {summary.SkippedExisting} already there), {summary.Failed.Count} failed, {summary.Missing.Count} missing; {summary.Seconds:F1} s of work");
            foreach (var (k, problem) in summary.IncompleteShards) Console.WriteLine($"shard {k}/{summary.Shards}: {problem}");
            foreach (var f in summary.Failed.Take(max)) Console.WriteLine($"failed: {f.Stem} ({f.Input}): {f.Reason}");
            if (summary.Failed.Count > max) Console.WriteLine($"... and {summary.Failed.Count - max} more failed");
            foreach (var m in summary.Missing.Take(max)) Console.WriteLine($"missing: {m}");
            if (summary.Missing.Count > max) Console.WriteLine($"... and {summary.Missing.Count - max} more missing");
            if (summary.DoneTwice.Count > 0) Console.WriteLine($"warning: {summary.DoneTwice.Count} inputs were written by more than one manifest (e.g. {summary.DoneTwice[0]})");
            if (summary.IsComplete) Console.WriteLine("complete");
            else Console.WriteLine($"incomplete: rerun indices {string.Join(",", summary.RerunIndices)}");
            return Task.FromResult(summary.IsComplete ? 0 : ExitIncomplete);
        }, ct));

        return new Command("shards", "Sharded predict runs (Slurm job arrays, Kubernetes indexed Jobs)") { summarize };
    }

    static void WriteJson(string path, ShardSummary s) => AtomicFile.Write(path, stream =>
    {
        using var w = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteBoolean("complete", s.IsComplete);
        w.WriteNumber("shards", s.Shards);
        w.WriteNumber("manifests", s.ManifestCount);
        w.WriteNumber("inputs_complete", s.Complete);
        w.WriteNumber("done", s.Done);
        w.WriteNumber("skipped_existing", s.SkippedExisting);
        w.WriteNumber("seconds", Math.Round(s.Seconds, 3));
        w.WriteStartArray("rerun_indices"); foreach (var k in s.RerunIndices) w.WriteNumberValue(k); w.WriteEndArray();
        w.WriteStartArray("incomplete_shards");
        foreach (var (k, problem) in s.IncompleteShards) { w.WriteStartObject(); w.WriteNumber("shard", k); w.WriteString("problem", problem); w.WriteEndObject(); }
        w.WriteEndArray();
        w.WriteStartArray("failed");
        foreach (var f in s.Failed) { w.WriteStartObject(); w.WriteString("stem", f.Stem); w.WriteString("input", f.Input); w.WriteString("reason", f.Reason); w.WriteEndObject(); }
        w.WriteEndArray();
        w.WriteStartArray("missing"); foreach (var m in s.Missing) w.WriteStringValue(m); w.WriteEndArray();
        w.WriteStartArray("done_twice"); foreach (var m in s.DoneTwice) w.WriteStringValue(m); w.WriteEndArray();
        w.WriteEndObject();
    });
}
