using System.CommandLine;
using BetterDepth.Imaging;

namespace BetterDepth.Cli.Commands;

/// <summary>
/// <c>betterdepth convert</c>: reads a depth or disparity file in any supported format and writes it as .npy, .pfm,
/// 16-bit .png (with --png16-units), a colour-mapped .png, or a coloured .ply point cloud (metric depth + --intrinsics).
/// </summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Depth file: .npy, .pfm, 16-bit .png, or raw float32 with --raw-size." };
        var output = new Option<string>("--output", "-o") { Description = "Output file; the extension (.npy, .pfm, .png, .ply) picks the format.", Required = true };
        var kindOption = new ChoiceOption<DepthKind>("--kind", "What the values are.", "depth",
            ("depth", DepthKind.Depth), ("disparity", DepthKind.Disparity), ("affine-depth", DepthKind.AffineDepth), ("affine-disparity", DepthKind.AffineDisparity));
        var unitsOption = new Option<double>("--metres-per-unit") { Description = "Scale of integer PNG input (NYU 0.001, KITTI 0.00390625, TUM 0.0002).", DefaultValueFactory = _ => 1.0 };
        var rawSizeOption = new Option<string?>("--raw-size") { Description = "Read the input as headerless little-endian float32 of this size WxH (ETH3D: 6048x4032)." };
        var png16Option = new Option<double?>("--png16-units") { Description = "Write a 16-bit PNG with round(value * units) instead of a colour map (1000 = millimetres)." };
        var cmapOption = ChoiceOption.ForEnum("--cmap", "Colour map for .png output.", ColorMap.Spectral);
        var minOption = new Option<float?>("--min") { Description = "Value mapped to the low end of the colour map (default: smallest valid value)." };
        var maxOption = new Option<float?>("--max") { Description = "Value mapped to the high end of the colour map (default: largest valid value)." };
        var intrinsicsOption = new Option<string?>("--intrinsics") { Description = "Camera intrinsics JSON for .ply output." };
        var rgbOption = new Option<string?>("--rgb") { Description = "Colour image for the .ply points (same size as the depth)." };

        var command = new Command("convert", "Convert a depth map between formats, colour-map it, or back-project it to a point cloud.");
        command.Arguments.Add(input);
        foreach (var option in (Option[])[output, kindOption, unitsOption, rawSizeOption, png16Option, cmapOption, minOption, maxOption, intrinsicsOption, rgbOption])
            command.Options.Add(option);
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(_ =>
        {
            string source = parseResult.GetValue(input)!, target = parseResult.GetValue(output)!;
            var kind = kindOption.Value(parseResult);
            var rawSize = parseResult.GetValue(rawSizeOption);
            DepthMap map;
            if (rawSize is null) map = DepthFile.Read(source, kind, parseResult.GetValue(unitsOption));
            else
            {
                var (w, h) = SynthCommand.ParseSize(rawSize);
                map = DepthFile.ReadRawFloat32(source, w, h, kind);
            }

            switch (Path.GetExtension(target).ToLowerInvariant())
            {
                case ".npy": DepthFile.WriteNpy(target, map); break;
                case ".pfm": DepthFile.WritePfm(target, map); break;
                case ".png" when parseResult.GetValue(png16Option) is double units: DepthFile.WritePng16(target, map, units); break;
                case ".png": DepthFile.WriteColorPng(target, map, cmapOption.Value(parseResult), parseResult.GetValue(minOption), parseResult.GetValue(maxOption)); break;
                case ".ply":
                    var intrinsics = parseResult.GetValue(intrinsicsOption) ?? throw new ArgumentException("--intrinsics: a point cloud needs the camera intrinsics JSON");
                    var rgb = parseResult.GetValue(rgbOption) is string rgbPath ? ImageFile.ReadRgb(rgbPath) : null;
                    PointCloud.WritePly(target, map, CameraIntrinsics.Load(intrinsics), rgb);
                    break;
                case var ext: throw new ArgumentException($"--output: unknown output type '{ext}'; expected .npy, .pfm, .png or .ply");
            }
            Console.WriteLine($"wrote {target} ({map.Width}x{map.Height} {map.Kind})");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
