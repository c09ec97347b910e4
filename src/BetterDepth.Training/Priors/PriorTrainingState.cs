using System.Text.Json;
using System.Text.Json.Serialization;
using BetterDepth.Priors.Learned;

namespace BetterDepth.Training.Priors;

/// <summary>
/// The small JSON written last in every checkpoint (its presence commits the checkpoint): how far training
/// got and the settings a resumed run must share with the original one. ResidualBlocks is absent (so 0) in
/// checkpoints written before the network could have them, EmaDecay (null: no average) in those written before the
/// average existed, AttentionBlocks (so 0) in those written before attention blocks existed, EncoderBlocks likewise.
/// </summary>
internal sealed record PriorTrainingState(int Step, int Seed, int BaseChannels, int Width, int Height, int BatchSize, double LearningRate, int TotalSteps, int ResidualBlocks = 0,
    double? EmaDecay = null, int AttentionBlocks = 0, int EncoderBlocks = 0)
{
    /// <summary>The network the checkpoint holds.</summary>
    [JsonIgnore]
    public PriorCnnConfig Model => new(BaseChannels, Width, Height, ResidualBlocks, AttentionBlocks, EncoderBlocks: EncoderBlocks);

    /// <summary>The state of a run with these options after <paramref name="step"/> steps.</summary>
    public static PriorTrainingState Of(PriorTrainingOptions options, int step)
    {
        var m = options.Model;
        return new(step, options.Seed, m.BaseChannels, m.Width, m.Height, options.BatchSize, options.LearningRate, options.Steps,
            m.ResidualBlocks, options.EmaDecay, m.AttentionBlocks, m.EncoderBlocks);
    }

    public const string FileName = "state.json";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The checkpoint folder of a training output folder.</summary>
    public static string CheckpointFolder(string outDir) => Path.Combine(outDir, "checkpoint");

    public void Save(string dir) =>
        AtomicFile.Write(Path.Combine(dir, FileName), s => JsonSerializer.Serialize(s, this, Json));

    /// <summary>The state of the checkpoint in a training output folder (recovered first if a save was killed mid-way); null if there is none.</summary>
    public static PriorTrainingState? TryLoad(string outDir)
    {
        var checkpoint = CheckpointFolder(outDir);
        AtomicFolder.Recover(checkpoint);
        var path = Path.Combine(checkpoint, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<PriorTrainingState>(File.ReadAllText(path), Json)
                ?? throw new InvalidFileException(path, "empty training state");
        }
        catch (JsonException e)
        {
            throw new InvalidFileException(path, $"not a valid training state: {e.Message}", e);
        }
    }
}
