// Refines the depth of one image with a BetterDepth refiner folder and prints a few numbers.
// Usage: RefineOne IMAGE [REFINER_FOLDER (default: models/refiner)] [OUTPUT_STEM (writes STEM.npy, STEM.png, STEM_color.png)]
using BetterDepth;

if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: RefineOne IMAGE [REFINER_FOLDER] [OUTPUT_STEM]");
    return 2;
}
try
{
    using var pipe = BetterDepthPipeline.FromPretrained(args.Length > 1 ? args[1] : "models/refiner");
    var result = pipe.Refine(args[0]);

    var refined = result.Refined.Values;
    Console.WriteLine($"image: {result.Image.Width}x{result.Image.Height}");
    Console.WriteLine($"prior: {pipe.PriorSpec}");
    Console.WriteLine($"settings: {pipe.Options.Steps} steps, {pipe.Options.EnsembleSize} member(s), processing resolution {pipe.Options.ProcessingResolution}");
    Console.WriteLine($"refined: {result.Refined.Width}x{result.Refined.Height}, min {refined.Min():F4}, max {refined.Max():F4}, mean {refined.Average():F4}");
    Console.WriteLine($"seconds: {result.Timings.Total:F2}");
    if (args.Length > 2)
        foreach (var file in result.Save(args[2])) Console.WriteLine($"wrote: {file}");
    return 0;
}
catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
{
    // a missing or bad image or model folder: one line naming it
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
