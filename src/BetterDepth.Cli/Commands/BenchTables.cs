using System.Globalization;
using BetterDepth.Benchmarks;
using BetterDepth.Refinement;
using Spectre.Console;

namespace BetterDepth.Cli.Commands;

/// <summary>The bench report as Spectre.Console tables.</summary>
static class BenchTables
{
    static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);

    public static void Show(BenchmarkReport r)
    {
        // Redirected to a log, the console has no width and Spectre assumes 80 columns, which folds the per-stage
        // table into one character per cell; a log line can be as long as the table needs.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 220);
        AnsiConsole.MarkupLine(Markup.Escape($"{r.Machine.CpuModel}, {r.Machine.LogicalCores} cores, load {F(r.Machine.LoadAverage1Min)} -> {F(r.LoadAverage1MinAtEnd)}, " +
            $"torch threads {r.Threads.TorchIntraOp} (OpenMP spin count {r.Threads.OpenMpSpinCount ?? "default"}), onnx threads {r.Threads.OnnxIntraOp}, {F(r.TotalSeconds, "F0")} s"));

        var mm = new Table().Title("float32 matmul (libtorch)").AddColumns("n", "best s", "GFLOP/s");
        foreach (var m in r.Matmul) mm.AddRow($"{m.Size}", F(m.BestSeconds, "F4"), F(m.GFlops, "F1"));
        AnsiConsole.Write(mm);

        var unet = new Table().Title($"U-Net forward (attainable {F(r.AttainableGFlops, "F1")} GFLOP/s)")
            .AddColumns("model", "px", "latent", "params", "GFLOP", "conv/lin/attn %", "best s", "GFLOP/s", "of attainable");
        foreach (var u in r.UNet)
            unet.AddRow(u.Config, $"{u.ImageSize}", $"{u.LatentSize}", $"{u.Parameters / 1e6:F2}M", F(u.Flops / 1e9),
                $"{100 * u.ConvolutionFlops / u.Flops:F0}/{100 * u.LinearFlops / u.Flops:F0}/{100 * u.AttentionFlops / u.Flops:F0}",
                F(u.BestSeconds, "F3"), F(u.GFlops, "F1"), $"{100 * u.FractionOfAttainable:F0}%");
        AnsiConsole.Write(unet);

        // one column for all U-Net calls and one for all scheduler updates, whatever the number of steps
        static string Column(string stage) =>
            stage.StartsWith(StageTimings.UNetStage, StringComparison.Ordinal) ? "U-Net"
            : stage.StartsWith(StageTimings.SchedulerStage, StringComparison.Ordinal) ? "scheduler" : stage;
        var stages = r.Pipeline.SelectMany(p => p.Stages.Select(s => Column(s.Stage))).Distinct().ToList();
        var pipe = new Table().Title("predict per image (s)").AddColumns(["model", "weights", "px", "total", .. stages, "overhead", "streamed s/img", "streamed overhead"]);
        foreach (var p in r.Pipeline)
            pipe.AddRow([p.Config, p.Weights == PipelineResult.Untrained ? "random" : "trained", $"{p.ImageSize}", F(p.EndToEndSeconds, "F3"),
                .. stages.Select(s => F(p.Stages.Where(x => Column(x.Stage) == s).Sum(x => x.Seconds), "F3")), $"{100 * p.OverheadFraction:F0}%",
                F(p.StreamedSecondsPerImage, "F3"), $"{100 * p.StreamedOverheadFraction:F0}%"]);
        AnsiConsole.Write(pipe);

        if (r.Memory.Count > 0)
        {
            var mem = new Table().Title("memory (child process per size)").AddColumns("model", "px", "baseline MiB", "peak MiB", "working MiB", "MiB / MP");
            foreach (var m in r.Memory)
                mem.AddRow(m.Config, $"{m.ImageSize}", F(m.BaselineBytes / 1048576.0, "F0"), F(m.PeakBytes / 1048576.0, "F0"),
                    F(m.WorkingBytes / 1048576.0, "F0"), F(m.WorkingMiBPerMegapixel, "F0"));
            AnsiConsole.Write(mem);
        }

        var growth = new Table().Title("growth, smallest -> largest size").AddColumns("model", "sizes", "pixels x", "FLOPs x", "U-Net time x", "predict time x", "working memory x");
        foreach (var g in r.Growth)
            growth.AddRow(g.Config, $"{g.FromSize}->{g.ToSize}", F(g.PixelRatio), F(g.FlopRatio), F(g.UNetTimeRatio), F(g.EndToEndTimeRatio),
                g.WorkingMemoryRatio is { } w ? F(w) : "-");
        AnsiConsole.Write(growth);

        var other = new Table().Title("other").AddColumns("what", "figure");
        if (r.OnnxPrior is { } o) other.AddRow(Markup.Escape($"ONNX prior {o.Model} ({o.Preset}) at {o.ImageSize}px ({o.IntraOpThreads} threads)"), $"{F(o.BestSeconds, "F3")} s");
        other.AddRow(Markup.Escape($"training {r.Training.Config} {r.Training.Width}x{r.Training.Height} batch {r.Training.Batch}"), $"{F(r.Training.IterationsPerSecond)} it/s (best {F(r.Training.BestIterationsPerSecond)})");
        if (r.MemoryStability is { } stable)
            other.AddRow(Markup.Escape($"memory over {stable.Images} images ({stable.Config}, {stable.ImageSize}px, predict + write)"),
                Markup.Escape($"RSS {F(stable.RssAfterWarmupMiB, "F0")} -> {F(stable.RssEndMiB, "F0")} MiB (max {F(stable.RssMaxMiB, "F0")}, slope {F(stable.RssSlopeMiBPer1000Images, "F1")} MiB/1000 images); managed {F(stable.ManagedAfterWarmupMiB, "F1")} -> {F(stable.ManagedEndMiB, "F1")} MiB"));
        foreach (var d in r.Data) other.AddRow(Markup.Escape($"{d.Name} {d.Width}x{d.Height}"), $"{F(d.ItemsPerSecond, "F1")} /s");
        AnsiConsole.Write(other);
        foreach (var n in r.Notes) AnsiConsole.MarkupLine(Markup.Escape("note: " + n));
    }
}
