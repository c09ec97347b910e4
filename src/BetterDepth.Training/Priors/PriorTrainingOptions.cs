using BetterDepth.Priors.Learned;

namespace BetterDepth.Training.Priors;

/// <summary>Settings of one <see cref="PriorTrainer"/> run.</summary>
public sealed record PriorTrainingOptions
{
    public int Steps { get; init; } = 3000;
    public int BatchSize { get; init; } = 8;
    /// <summary>Peak Adam learning rate; linear warm-up over <see cref="WarmupSteps"/>, then cosine decay to 10 %.</summary>
    public double LearningRate { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 50;
    public PriorCnnConfig Model { get; init; } = new();
    public int Seed { get; init; }
    /// <summary>Weight of MiDaS's gradient-matching term in the loss.</summary>
    public double GradientWeight { get; init; } = 0.5;
    /// <summary>Weight of the relative disparity error after a least-squares fit (AbsRel's own weighting); 0 is MiDaS's loss.</summary>
    public double RelativeWeight { get; init; }
    /// <summary>Weight of the absolute log depth ratio after the same fit (what delta1 thresholds); 0 leaves it out.</summary>
    public double LogRatioWeight { get; init; }
    /// <summary>Weight of the smooth share of pixels outside delta1's threshold after the same fit; 0 leaves it out.</summary>
    public double Delta1Weight { get; init; }
    /// <summary>Each image's loss weighted by (its loss / the batch's mean)^P, so the worst-fitted images pull hardest; 0 weighs them equally.</summary>
    public double HardImagePower { get; init; }
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Randomly mirror half the samples left-right (depth layout is mirror-symmetric).</summary>
    public bool HorizontalFlip { get; init; } = true;
    /// <summary>Random crops and colour changes (<see cref="PriorAugmentation"/>); off, only the mirror remains.</summary>
    public bool Augment { get; init; } = true;
    /// <summary>
    /// A learned-prior weights file a new run starts from instead of random weights (fine-tuning, or continuing a shipped
    /// prior whose checkpoint is gone); Adam's moments and the schedule start afresh. Null: random initialisation.
    /// </summary>
    public string? InitWeights { get; init; }
    /// <summary>
    /// Decay of an exponential moving average of the weights, kept beside them and written as the deliverable
    /// prior.safetensors (the checkpoint keeps the raw weights too, to resume). Null: no average, the raw weights ship.
    /// </summary>
    public double? EmaDecay { get; init; }

    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentException($"steps must be positive, got {Steps}", nameof(Steps));
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}", nameof(BatchSize));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"learning rate must be a positive number, got {LearningRate}", nameof(LearningRate));
        if (WarmupSteps < 0) throw new ArgumentException($"warm-up steps must not be negative, got {WarmupSteps}", nameof(WarmupSteps));
        if (!(GradientWeight >= 0)) throw new ArgumentException($"gradient weight must be >= 0, got {GradientWeight}", nameof(GradientWeight));
        if (!(RelativeWeight >= 0) || !double.IsFinite(RelativeWeight)) throw new ArgumentException($"relative weight must be a number >= 0, got {RelativeWeight}", nameof(RelativeWeight));
        if (!(LogRatioWeight >= 0) || !double.IsFinite(LogRatioWeight)) throw new ArgumentException($"log-ratio weight must be a number >= 0, got {LogRatioWeight}", nameof(LogRatioWeight));
        if (!(Delta1Weight >= 0) || !double.IsFinite(Delta1Weight)) throw new ArgumentException($"delta1 weight must be a number >= 0, got {Delta1Weight}", nameof(Delta1Weight));
        if (!(HardImagePower >= 0) || !(HardImagePower <= 8)) throw new ArgumentException($"hard-image power must be a number from 0 to 8, got {HardImagePower}", nameof(HardImagePower));
        if (CheckpointEvery <= 0) throw new ArgumentException($"checkpoint interval must be positive, got {CheckpointEvery}", nameof(CheckpointEvery));
        if (EmaDecay is { } d && !(d > 0 && d < 1)) throw new ArgumentException($"EMA decay must be between 0 and 1, got {d}", nameof(EmaDecay));
        Model.Validate();
    }

    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        var progress = Math.Clamp((double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps), 0, 1);
        return LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
