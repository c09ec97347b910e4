using System.Text.Json;
using BetterDepth.Cli;
using BetterDepth.Cli.Commands;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Cli;

/// <summary>`predict` then `eval` on a dataset just works, whether predict was given the dataset folder or its rgb/ folder.</summary>
[Collection(ConsoleDisplay.Name)]
public class PredictThenEvalTests
{
    [Fact]
    public void EvalFindsEveryPredictionPredictWrote()
    {
        var root = TestData.NewTempDir("predict-eval");
        var scenes = Path.Combine(root, "scenes");
        Assert.Equal(0, Program.Run(["synth", "-o", scenes, "--count", "3", "--size", "32x24", "--seed", "5"]));
        var refiner = Path.Combine(root, "refiner");
        using (var model = RefinementTestModels.Tiny()) model.Save(refiner);

        foreach (var (name, input) in new[] { ("from-rgb", Path.Combine(scenes, "rgb")), ("from-dataset", scenes) })
        {
            var predictions = Path.Combine(root, name);
            Assert.Equal(0, Program.Run(["predict", input, "--refiner", refiner, "--processing-res", "0", "--steps", "1", "--formats", "npy", "-o", predictions]));
            var report = Path.Combine(root, "eval-" + name);
            Assert.Equal(0, Program.Run(["eval", "--dataset", Path.Combine(scenes, "dataset.json"), "--split", Path.Combine(scenes, "all.txt"),
                "--predictions", predictions, "-o", report]));
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, EvalCommand.SummaryName)));
            Assert.Equal(3, summary.RootElement.GetProperty("count_evaluated").GetInt32());
        }
        // the dataset folder's 16-bit depth PNGs were not refined as if they were images
        Assert.False(Directory.Exists(Path.Combine(root, "from-dataset", "depth")));
    }
}
