using BetterDepth.Cli;
using BetterDepth.Tests.Cli;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Serve;

/// <summary>`betterdepth serve`'s options: bad ones exit 2 with a message before anything listens.</summary>
[Collection(ConsoleDisplay.Name)]
public class ServeCommandTests
{
    [Fact]
    public void BadOptionsAndMissingModelsExitWithTwo()
    {
        var root = TestData.NewTempDir("serve-cli");
        var refiner = Path.Combine(root, "refiner");
        using (var model = RefinementTestModels.Tiny()) model.Save(refiner);
        int Serve(params string[] args) => Program.Run(["serve", "--urls", "http://127.0.0.1:0", .. args]);
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", refiner, "--concurrency", "0"));
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", refiner, "--max-upload-mb", "0"));
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", refiner, "--keep-minutes", "-1"));
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", refiner, "--steps", "0"));
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", Path.Combine(root, "missing"), "--prior", "file:" + root));
        Assert.Equal(CommandRunner.ExitBadInput, Serve("--refiner", refiner, "--prior", "no-such-prior"));
    }
}
