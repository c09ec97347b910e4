using System.CommandLine;
using System.Globalization;
using BetterDepth.Synthetic;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth synth</c>: render a procedural RGB-D dataset with exact depth (for training and evaluation on a CPU).</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Dataset folder to write (created if missing).", Required = true };
        var countOption = new Option<int>("--count") { Description = "Number of scenes.", DefaultValueFactory = _ => 100 };
        var sizeOption = new Option<string>("--size") { Description = "Image size WxH.", DefaultValueFactory = _ => "640x480" };
        var seedOption = new Option<long>("--seed") { Description = "Run seed; scene i uses a seed derived from (seed, i).", DefaultValueFactory = _ => 0 };
        var kindOption = new Option<string>("--kind") { Description = "indoor, outdoor or mixed (the seed chooses per scene).", DefaultValueFactory = _ => "mixed" };
        var testOption = new Option<double>("--test-fraction") { Description = "Share of scenes listed in test.txt instead of train.txt.", DefaultValueFactory = _ => 0.1 };
        var noAaOption = new Option<bool>("--no-antialias") { Description = "Skip sub-pixel rays at object edges in RGB (faster; depth is unaffected)." };

        var command = new Command("synth", "Render procedural indoor and street scenes with exact depth, intrinsics and split files.");
        foreach (var option in (Option[])[outOption, countOption, sizeOption, seedOption, kindOption, testOption, noAaOption]) command.Options.Add(option);
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(async ct =>
        {
            var (width, height) = ParseSize(parseResult.GetValue(sizeOption)!);
            var options = new SyntheticDatasetOptions(parseResult.GetValue(countOption), width, height, parseResult.GetValue(seedOption),
                ParseKind(parseResult.GetValue(kindOption)!), parseResult.GetValue(testOption), !parseResult.GetValue(noAaOption));
            options.Validate();
            string folder = parseResult.GetValue(outOption)!;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await ProgressBars.RunAsync($"synth {options.Count} scenes", progress =>
                Task.Run(() => SyntheticDataset.Write(folder, options, progress, ct), ct));
            double seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"wrote {options.Count} scenes ({width}x{height}) to {folder} in {seconds:F1} s ({options.Count / seconds:F2} scenes/s)");
            return 0;
        }, ct));
        return command;
    }

    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0)
            return (w, h);
        throw new ArgumentException($"--size: expected WxH such as 640x480, got '{text}'");
    }

    public static SceneKind ParseKind(string text) => text.ToLowerInvariant() switch
    {
        "indoor" => SceneKind.Indoor,
        "outdoor" => SceneKind.Outdoor,
        "mixed" => SceneKind.Mixed,
        _ => throw new ArgumentException($"--kind: expected indoor, outdoor or mixed, got '{text}'"),
    };
}
