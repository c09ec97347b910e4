using System.CommandLine;
using System.Globalization;
using BetterDepth.Benchmarks;
using BetterDepth.Compute;
using Spectre.Console;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth bench</c>: every performance figure of the project in one run, as a table and as JSON.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var sizes = new Option<string?>("--sizes") { Description = "Square image sizes in pixels, comma-separated (default 256,512,768; --quick: 256,512)" };
        var configs = new Option<string?>("--configs") { Description = "Model settings, comma-separated (default tiny,small; --quick: tiny)" };
        var quick = new Option<bool>("--quick") { Description = "Smoke run of about a minute: fewer repetitions, smaller defaults" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for bench-<timestamp>.json and latest.json", DefaultValueFactory = _ => Path.Combine("bench", "results") };
        var onnx = new Option<string?>("--prior") { Description = "ONNX depth model (a .onnx path) to time as the prior (ONNX Runtime); default: the shipped learned prior, exported to ONNX for the run" };
        var refiner = new Option<string?>("--refiner")
        {
            Description = "Trained refiner folder: the model setting it was trained as is timed with its weights (default: models/refiner if present; 'none': random weights for all)",
        };
        var threads = new Option<int>("--threads") { Description = "libtorch and ONNX Runtime intra-op threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var steps = new Option<int>("--steps") { Description = "DDIM steps per image", DefaultValueFactory = _ => 2 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var probe = new Option<string?>("--memory-probe") { Description = "Internal: run one image as CONFIG:SIZE and print its peak memory", Hidden = true };

        var command = new Command("bench", "Measure matmul rate, U-Net FLOPs and achieved rate, predict time per stage, memory, training and data throughput.")
        {
            sizes, configs, quick, output, onnx, refiner, threads, steps, device, probe,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var torchDevice = TorchDevice.Parse(parse.GetValue(device)!);
            if (parse.GetValue(probe) is { } spec)
            {
                var (config, size) = MemoryProbe.ParseSpec(spec);
                MemoryProbe.RunHere(config, size, parse.GetValue(steps), parse.GetValue(threads), torchDevice, Console.Out);
                return 0;
            }

            bool isQuick = parse.GetValue(quick);
            var outDir = parse.GetValue(output)!;
            var options = new BenchmarkOptions
            {
                Sizes = ParseList(parse.GetValue(sizes), isQuick ? "256,512" : "256,512,768", "--sizes").Select(s => ParseSize(s)).ToList(),
                Configs = ParseList(parse.GetValue(configs), isQuick ? "tiny" : "tiny,small", "--configs"),
                Quick = isQuick,
                Threads = parse.GetValue(threads),
                Steps = parse.GetValue(steps),
                OnnxModel = parse.GetValue(onnx),
                Refiner = parse.GetValue(refiner) switch
                {
                    null => Directory.Exists(ProjectPaths.DefaultRefiner) ? ProjectPaths.DefaultRefiner : null,
                    "none" => null,
                    var folder => folder,
                },
                ScratchDir = Path.Combine(outDir, "tmp", $"bench-{Environment.ProcessId}"),
                MemoryProbe = SelfCommand(parse.GetValue(device)!),
                Device = torchDevice,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var status = new SyncStatus(s => Console.Error.WriteLine($"[bench {clock.Elapsed.TotalSeconds,5:F0} s] {s}"));
            var report = await Task.Run(() => BenchmarkRunner.Run(options, status, ct), ct);
            var path = report.Write(outDir);
            BenchTables.Show(report);
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/] and latest.json");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>This program again, as the memory probe's child: the apphost, or dotnet with the CLI assembly.</summary>
    static ChildCommand? SelfCommand(string device)
    {
        var process = Environment.ProcessPath;
        if (process is null) return null;
        var lead = new List<string>();
        // args[0] names the CLI assembly even under the apphost, which takes no assembly argument: only the dotnet host does
        var entry = Environment.GetCommandLineArgs()[0];
        bool viaDotnetHost = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        if (viaDotnetHost && entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) lead.Add(entry);
        lead.AddRange(["bench", "--device", device]);
        return new ChildCommand(process, lead);
    }

    static List<string> ParseList(string? value, string fallback, string option)
    {
        var items = (value ?? fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (items.Count == 0) throw new ArgumentException($"{option} is empty");
        return items;
    }

    static int ParseSize(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
        ? v : throw new ArgumentException($"--sizes: '{s}' is not a whole number of pixels");

    sealed class SyncStatus(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
