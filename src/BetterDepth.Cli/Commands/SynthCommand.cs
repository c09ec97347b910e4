using System.CommandLine;
using System.Globalization;
using BetterDepth.Imaging;
using BetterDepth.Synthetic;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth synth</c>: render a procedural RGB-D dataset with exact depth (for training and evaluation on a CPU).</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--output", "-o") { Description = "Dataset folder to write (created if missing).", Required = true };
        var countOption = new Option<int>("--count") { Description = "Number of scenes.", DefaultValueFactory = _ => 100 };
        var sizeOption = new Option<string>("--size") { Description = "Image size WxH.", DefaultValueFactory = _ => "640x480" };
        var seedOption = new Option<long>("--seed") { Description = "Run seed; scene i uses a seed derived from (seed, i).", DefaultValueFactory = _ => 0 };
        var kindOption = ChoiceOption.ForEnum("--kind", "Scene kind (desk: close-up desks and objects before a backdrop; pavement: streets seen by a pedestrian on the pavement; mixed: the seed chooses indoor or outdoor per scene; varied: indoor, outdoor or desk, 0.4/0.4/0.2).", SceneKind.Mixed);
        var testOption = new Option<double>("--test-fraction") { Description = "Share of scenes listed in test.txt instead of train.txt.", DefaultValueFactory = _ => 0.1 };
        var montageOption = new Option<string?>("--montage") { Description = "Also write a PNG contact sheet of the first scenes (RGB beside colour-mapped depth)." };
        var montageCountOption = new Option<int>("--montage-count") { Description = "How many of the first scenes the contact sheet shows (1..64).", DefaultValueFactory = _ => 8 };
        var noAaOption = new Option<bool>("--no-antialias") { Description = "Skip sub-pixel rays at object edges in RGB (faster; depth is unaffected)." };

        var command = new Command("synth", "Render procedural rooms, streets and close-up desks with exact depth, intrinsics and split files.");
        foreach (var option in (Option[])[outOption, countOption, sizeOption, seedOption, kindOption, testOption, noAaOption, montageOption, montageCountOption]) command.Options.Add(option);
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(async ct =>
        {
            var (width, height) = ParseSize(parseResult.GetValue(sizeOption)!);
            var options = new SyntheticDatasetOptions(parseResult.GetValue(countOption), width, height, parseResult.GetValue(seedOption),
                kindOption.Value(parseResult), parseResult.GetValue(testOption), !parseResult.GetValue(noAaOption));
            options.Validate();
            int montageCount = parseResult.GetValue(montageCountOption);
            if (montageCount < 1 || montageCount > 64) throw new ArgumentException($"--montage-count must be 1..64, got {montageCount}");
            string folder = parseResult.GetValue(outOption)!;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await ProgressBars.RunAsync($"synth {options.Count} scenes", progress =>
                Task.Run(() => SyntheticDataset.Write(folder, options, progress, ct), ct));
            double seconds = watch.Elapsed.TotalSeconds;
            if (parseResult.GetValue(montageOption) is { } montagePath)
            {
                // From the written files, so the sheet shows exactly what the dataset holds.
                var scenes = Enumerable.Range(0, Math.Min(montageCount, options.Count)).Select(i =>
                {
                    string stem = SyntheticDataset.Stem(i);
                    var depth = DepthFile.ReadNpy(Path.Combine(folder, "depth", stem + ".npy"), DepthKind.Depth);
                    return (ImageFile.ReadRgb(Path.Combine(folder, "rgb", stem + ".png")), depth, depth.Values.Select(v => v > 0).ToArray());
                }).ToList();
                ImageFile.WritePng(montagePath, SyntheticMontage.Compose(scenes));
            }
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
}
