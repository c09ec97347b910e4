using BetterDepth.Cli;
using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class ConvertCommandTests
{
    [Fact]
    public void ConvertsKittiPngToNpyPfmAndColour()
    {
        var dir = TestData.NewTempDir();
        var source = TestData.Real("kitti-annotated", "depth.png");
        var expected = DepthFile.ReadPng16(source, 1 / 256.0);
        foreach (var name in new[] { "d.npy", "d.pfm" })
        {
            var target = Path.Combine(dir, name);
            Assert.Equal(0, Program.Run(["convert", source, "-o", target, "--metres-per-unit", "0.00390625"]));
            Assert.Equal(expected.Values, DepthFile.Read(target, DepthKind.Depth).Values);
        }
        var colour = Path.Combine(dir, "c.png");
        Assert.Equal(0, Program.Run(["convert", source, "-o", colour, "--metres-per-unit", "0.00390625", "--cmap", "turbo", "--max", "40"]));
        Assert.Equal(ColorMaps.ColorizeIndexed(expected, ColorMap.Turbo, max: 40).ToRgb().Data, ImageFile.ReadRgb(colour).Data);
    }

    [Fact]
    public void BadInputExitsWithTwo()
    {
        var dir = TestData.NewTempDir();
        var broken = Path.Combine(dir, "broken.pfm");
        File.WriteAllText(broken, "Pf\n4 4\n-1\n");
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["convert", broken, "-o", Path.Combine(dir, "x.npy")]));
        Assert.Equal(CommandRunner.ExitBadInput, Program.Run(["convert", TestData.Real("tum-fr1", "1_depth.png"), "-o", Path.Combine(dir, "x.ply")]));
        Assert.False(File.Exists(Path.Combine(dir, "x.npy")));
    }
}
