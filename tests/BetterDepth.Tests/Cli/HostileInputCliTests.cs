using BetterDepth.Cli;
using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Tests.Hostile;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Cli;

/// <summary>
/// Issue 15's inputs through the command line: exit code 2, one line on stderr naming the file, no output written.
/// </summary>
[Collection(ConsoleDisplay.Name)]
public class HostileInputCliTests
{
    static readonly object ConsoleLock = new();

    /// <summary>Runs the CLI with stderr captured.</summary>
    static (int Code, string[] ErrorLines) Run(params string[] args)
    {
        lock (ConsoleLock)
        {
            var saved = Console.Error;
            var captured = new StringWriter();
            Console.SetError(captured);
            try
            {
                int code = Program.Run(args);
                return (code, captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            finally { Console.SetError(saved); }
        }
    }

    static (string Image, string Priors, string Refiner, string Root) Setup()
    {
        var root = TestData.NewTempDir("hostile-cli");
        var images = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        var priors = Directory.CreateDirectory(Path.Combine(root, "priors")).FullName;
        var image = RefinementTestModels.Image(16, 12);
        var imagePath = Path.Combine(images, "a.png");
        ImageFile.WritePng(imagePath, image);
        DepthFile.WriteNpy(Path.Combine(priors, "a.npy"), new RefinementTestModels.RampPrior().Predict(image));
        var refiner = Path.Combine(root, "refiner");
        using (var model = RefinementTestModels.Tiny()) model.Save(refiner);
        return (imagePath, priors, refiner, root);
    }

    static void AssertNothingWritten(string output) =>
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output, "*", SearchOption.AllDirectories).Any());

    [Fact]
    public void APngBombIsOneLineNamingItAndWritesNothing()
    {
        var (_, priors, refiner, root) = Setup();
        var bomb = Path.Combine(root, "bomb.png");
        File.WriteAllBytes(bomb, DecodeLimitTests.PalettePng(11585));
        var output = Path.Combine(root, "out");
        var (code, errors) = Run("predict", bomb, "--prior", "file:" + priors, "--refiner", refiner, "--processing-res", "0", "--steps", "1", "-o", output);
        Assert.Equal(CommandRunner.ExitBadInput, code);
        Assert.Single(errors);
        Assert.Contains(bomb, errors[0]);
        AssertNothingWritten(output);
    }

    [Fact]
    public void ARefinerWithoutItsManifestIsOneLineNamingTheFolderAndWritesNothing()
    {
        var (image, priors, refiner, root) = Setup();
        File.Delete(Path.Combine(refiner, RefinerModel.ManifestName));
        var output = Path.Combine(root, "out");
        var (code, errors) = Run("predict", image, "--prior", "file:" + priors, "--refiner", refiner, "--processing-res", "0", "--steps", "1", "-o", output);
        Assert.Equal(CommandRunner.ExitBadInput, code);
        Assert.Single(errors);
        Assert.Contains(refiner, errors[0]);
        AssertNothingWritten(output);
    }

    [Fact]
    public void AMultiLineMessageIsPrintedOnOneLine()
    {
        var (code, errors) = (0, Array.Empty<string>());
        lock (ConsoleLock)
        {
            var saved = Console.Error;
            var captured = new StringWriter();
            Console.SetError(captured);
            try
            {
                // Console.Error is process-wide, so the run is waited for inside the lock (an await cannot be).
#pragma warning disable xUnit1031
                code = CommandRunner.RunAsync(_ => throw new ArgumentException("config: act_fn 'gelu\nrm -rf' is not supported"), CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore xUnit1031
            }
            finally { Console.SetError(saved); }
            errors = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        Assert.Equal(CommandRunner.ExitBadInput, code);
        Assert.Equal(["error: config: act_fn 'gelu\\nrm -rf' is not supported"], errors);
    }
}
