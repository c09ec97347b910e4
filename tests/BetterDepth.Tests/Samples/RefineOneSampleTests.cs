using System.Globalization;
using System.Text.RegularExpressions;
using BetterDepth.Imaging;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Samples;

/// <summary>samples/RefineOne, the README's snippet as a program, built with the solution and run on the shipped models.</summary>
[Collection(ChildProcesses.Name)]
public class RefineOneSampleTests
{
    public static string SampleDll => Path.Combine(TestData.RepoRoot, "samples", "RefineOne", "bin", ChildProcess.Configuration, "net10.0", "RefineOne.dll");

    [Fact]
    public void RefinesAnImageWithTheShippedModelsAndPrintsWhatItDid()
    {
        var dir = TestData.NewTempDir("refine-one");
        var image = Path.Combine(dir, "photo.png");
        ImageFile.WritePng(image, RefinementTestModels.Image(64, 48));
        var stem = Path.Combine(dir, "out", "photo");
        var run = ChildProcess.Dotnet(dir, TimeSpan.FromMinutes(10), SampleDll, image, Path.Combine(TestData.RepoRoot, "models", "refiner"), stem)
            .EnsureSuccess("RefineOne");

        Assert.Contains("image: 64x48", run.Out);
        Assert.Contains("prior: learned:" + Path.Combine(TestData.RepoRoot, "models", "prior-cnn"), run.Out);
        Assert.Contains("settings: 2 steps, 1 member(s), processing resolution 256", run.Out);
        var refined = DepthFile.ReadNpy(stem + ".npy", DepthKind.AffineDisparity);
        Assert.Equal((64, 48), (refined.Width, refined.Height));
        var printed = Regex.Match(run.Out, @"refined: 64x48, min (\S+), max (\S+), mean (\S+)");
        Assert.True(printed.Success, run.Out);
        double Number(int group) => double.Parse(printed.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.Equal(refined.Values.Min(), Number(1), 4);
        Assert.Equal(refined.Values.Max(), Number(2), 4);
        Assert.Equal(refined.Values.Average(), Number(3), 4);
        Assert.InRange(Number(1), 0, Number(3));
        Assert.InRange(Number(2), Number(3), 1);
        foreach (var suffix in new[] { ".npy", ".png", "_color.png" })
            Assert.Contains("wrote: " + stem + suffix, run.Out);
    }

    [Fact]
    public void AMissingImageIsOneLineAndExitCode2()
    {
        var dir = TestData.NewTempDir("refine-one-missing");
        var missing = Path.Combine(dir, "nosuch.png");
        var run = ChildProcess.Dotnet(dir, TimeSpan.FromMinutes(10), SampleDll, missing, Path.Combine(TestData.RepoRoot, "models", "refiner"));
        Assert.Equal(2, run.Code);
        Assert.Contains(missing, run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
    }
}
