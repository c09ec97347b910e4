using System.Text.Json;
using System.Text.Json.Nodes;
using BetterDepth.Refinement;
using TorchSharp.Modules;

namespace BetterDepth.Training;

/// <summary>
/// A run's resumable state in RUN/checkpoint: the refiner (diffusers layout), the optimiser's moments,
/// the EMA weights and the iteration. Written into a temp folder and swapped in by rename, so a crash
/// or Ctrl-C during a save never destroys the previous checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string FolderName = "checkpoint";
    const string RefinerFolder = "refiner", OptimizerFile = "optimizer.dat", EmaFile = "ema.safetensors", StateFile = "state.json";

    public static void Save(string runDir, RefinerModel model, Adam optimizer, ExponentialMovingAverage? ema, int iteration, RefinerTrainingConfig config)
    {
        var target = Path.Combine(runDir, FolderName);
        AtomicFolder.Replace(target, temp =>
        {
            model.Save(Path.Combine(temp, RefinerFolder));
            optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
            ema?.Save(Path.Combine(temp, EmaFile));
            var state = new JsonObject { ["iteration"] = iteration, ["seed"] = config.Seed, ["config"] = JsonNode.Parse(config.ToJson()) };
            File.WriteAllText(Path.Combine(temp, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
    }

    /// <summary>
    /// Whether the run has a checkpoint, after putting back one that a kill between the two renames of a save left only
    /// as checkpoint.tmp-PID / checkpoint.old-PID, and clearing stale leftovers (see <see cref="AtomicFolder.Recover"/>).
    /// </summary>
    public static bool Exists(string runDir)
    {
        AtomicFolder.Recover(Path.Combine(runDir, FolderName));
        return File.Exists(Path.Combine(runDir, FolderName, StateFile));
    }

    /// <summary>The iteration a checkpoint was saved at, after checking it was made by a compatible config.</summary>
    public static int ReadIteration(string runDir, RefinerTrainingConfig config)
    {
        var path = Path.Combine(runDir, FolderName, StateFile);
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            int iteration = state["iteration"]!.GetValue<int>();
            var saved = state["config"]!.AsObject();
            foreach (var key in new[] { "model", "conditioning", "seed", "batch_size", "gradient_accumulation", "width", "height", "prior" })
            {
                var now = JsonNode.Parse(config.ToJson())![key]?.ToJsonString();
                var then = saved[key]?.ToJsonString();
                if (now != then) throw new InvalidFileException(path, $"the checkpoint was made with {key} = {then}, the config now says {now}; resume needs the same setting");
            }
            if (iteration < 0) throw new InvalidFileException(path, $"negative iteration {iteration}");
            return iteration;
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidFileException(path, $"unreadable checkpoint state: {e.Message}", e);
        }
    }

    public static RefinerModel LoadModel(string runDir, TorchSharp.torch.Device device) =>
        RefinerModel.Load(Path.Combine(runDir, FolderName, RefinerFolder), device);

    public static void LoadOptimizer(string runDir, Adam optimizer)
    {
        var path = Path.Combine(runDir, FolderName, OptimizerFile);
        if (!File.Exists(path)) throw new InvalidFileException(path, "optimizer state missing from the checkpoint");
        optimizer.load_state_dict(path);
    }

    public static void LoadEma(string runDir, ExponentialMovingAverage ema)
    {
        var path = Path.Combine(runDir, FolderName, EmaFile);
        if (!File.Exists(path)) throw new InvalidFileException(path, "the config asks for EMA but the checkpoint has no EMA weights");
        ema.Load(path);
    }
}
