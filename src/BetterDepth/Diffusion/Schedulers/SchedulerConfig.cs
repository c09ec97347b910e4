using System.Globalization;
using System.Text.Json;

namespace BetterDepth.Diffusion;

/// <summary>How the training betas grow with t.</summary>
public enum BetaSchedule
{
    /// <summary>betas = linspace(beta_start, beta_end, T).</summary>
    Linear,
    /// <summary>betas = linspace(sqrt(beta_start), sqrt(beta_end), T)^2 (Stable Diffusion, Marigold).</summary>
    ScaledLinear,
}

/// <summary>What the denoising network outputs.</summary>
public enum PredictionType
{
    /// <summary>The added noise eps.</summary>
    Epsilon,
    /// <summary>The velocity v = sqrt(abar) eps - sqrt(1 - abar) x0 (Marigold, BetterDepth).</summary>
    VPrediction,
    /// <summary>The clean sample x0 itself.</summary>
    Sample,
}

/// <summary>How inference timesteps are picked from the T training steps (Lin et al. 2023, Table 2).</summary>
public enum TimestepSpacing
{
    Leading,
    Trailing,
    Linspace,
}

/// <summary>
/// The noise-scheduler settings, with diffusers' names and defaults (a missing key in
/// <c>scheduler/scheduler_config.json</c> means diffusers' DDIMScheduler default).
/// </summary>
public sealed record SchedulerConfig
{
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.Linear;
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;
    public TimestepSpacing TimestepSpacing { get; init; } = TimestepSpacing.Leading;
    /// <summary>Added to every "leading" timestep (Stable Diffusion uses 1 so the last step is t = 1).</summary>
    public int StepsOffset { get; init; }
    /// <summary>DDIM's final step goes to abar = 1 (true) or to abar_0 (false, Stable Diffusion and Marigold).</summary>
    public bool SetAlphaToOne { get; init; } = true;
    /// <summary>Rescale the betas so the last step has zero signal (Lin et al. 2023, Algorithm 1).</summary>
    public bool RescaleBetasZeroSnr { get; init; }
    /// <summary>Clamp the predicted x0 to [-ClipSampleRange, ClipSampleRange] in every step.</summary>
    public bool ClipSample { get; init; } = true;
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Stable Diffusion 2's scheduler (v_prediction, scaled_linear 0.00085..0.012, leading + offset 1).</summary>
    public static SchedulerConfig StableDiffusion2 { get; } = new()
    {
        BetaStart = 0.00085,
        BetaEnd = 0.012,
        BetaSchedule = BetaSchedule.ScaledLinear,
        PredictionType = PredictionType.VPrediction,
        TimestepSpacing = TimestepSpacing.Leading,
        StepsOffset = 1,
        SetAlphaToOne = false,
        ClipSample = false,
    };

    /// <summary>Marigold v1.0 sampling: Stable Diffusion 2's schedule unchanged.</summary>
    public static SchedulerConfig MarigoldV1_0 { get; } = StableDiffusion2;

    /// <summary>Marigold v1.1 (and this project's training): zero terminal SNR and trailing spacing.</summary>
    public static SchedulerConfig MarigoldV1_1 { get; } = StableDiffusion2 with
    {
        TimestepSpacing = TimestepSpacing.Trailing,
        RescaleBetasZeroSnr = true,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        if (NumTrainTimesteps < 1) Fail("num_train_timesteps", $"must be at least 1, got {NumTrainTimesteps}");
        if (!(BetaStart > 0 && BetaStart < 1)) Fail("beta_start", $"must be in (0, 1), got {BetaStart}");
        if (!(BetaEnd > 0 && BetaEnd < 1)) Fail("beta_end", $"must be in (0, 1), got {BetaEnd}");
        if (StepsOffset < 0 || StepsOffset >= NumTrainTimesteps) Fail("steps_offset", $"must be in [0, {NumTrainTimesteps}), got {StepsOffset}");
        if (!(ClipSampleRange > 0) || double.IsInfinity(ClipSampleRange)) Fail("clip_sample_range", $"must be positive and finite, got {ClipSampleRange}");
    }

    static void Fail(string key, string problem) => throw new ArgumentException($"scheduler config: {key} {problem}", key);

    /// <summary>Reads diffusers' <c>scheduler_config.json</c>; unknown keys (_class_name, skip_prk_steps, ...) are ignored.</summary>
    public static SchedulerConfig Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read: {e.Message}", e);
        }
        try { return Parse(json); }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
        {
            throw new InvalidFileException(path, e.Message, e);
        }
    }

    /// <summary>Parses the JSON text of a diffusers scheduler config.</summary>
    public static SchedulerConfig Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("scheduler config must be a JSON object");
        var c = new SchedulerConfig();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var v = p.Value;
            c = p.Name switch
            {
                "num_train_timesteps" => c with { NumTrainTimesteps = Int(p.Name, v) },
                "beta_start" => c with { BetaStart = Number(p.Name, v) },
                "beta_end" => c with { BetaEnd = Number(p.Name, v) },
                "beta_schedule" => c with { BetaSchedule = Word(p.Name, v) switch
                {
                    "linear" => BetaSchedule.Linear,
                    "scaled_linear" => BetaSchedule.ScaledLinear,
                    var s => throw new FormatException($"beta_schedule '{s}' is not supported (linear, scaled_linear)"),
                } },
                "prediction_type" => c with { PredictionType = Word(p.Name, v) switch
                {
                    "epsilon" => PredictionType.Epsilon,
                    "v_prediction" => PredictionType.VPrediction,
                    "sample" => PredictionType.Sample,
                    var s => throw new FormatException($"prediction_type '{s}' is not supported (epsilon, v_prediction, sample)"),
                } },
                "timestep_spacing" => c with { TimestepSpacing = Word(p.Name, v) switch
                {
                    "leading" => TimestepSpacing.Leading,
                    "trailing" => TimestepSpacing.Trailing,
                    "linspace" => TimestepSpacing.Linspace,
                    var s => throw new FormatException($"timestep_spacing '{s}' is not supported (leading, trailing, linspace)"),
                } },
                "steps_offset" => c with { StepsOffset = Int(p.Name, v) },
                "set_alpha_to_one" => c with { SetAlphaToOne = Bool(p.Name, v) },
                "rescale_betas_zero_snr" => c with { RescaleBetasZeroSnr = Bool(p.Name, v) },
                "clip_sample" => c with { ClipSample = Bool(p.Name, v) },
                "clip_sample_range" => c with { ClipSampleRange = Number(p.Name, v) },
                "trained_betas" when v.ValueKind != JsonValueKind.Null => throw new FormatException("trained_betas (an explicit beta list) is not supported"),
                "thresholding" when v.ValueKind == JsonValueKind.True => throw new FormatException("thresholding (dynamic thresholding) is not supported"),
                _ => c,
            };
        }
        c.Validate();
        return c;
    }

    static int Int(string key, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new FormatException($"{key} must be an integer, got {v.GetRawText()}");

    static double Number(string key, JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()) ? v.GetDouble() : throw new FormatException($"{key} must be a finite number, got {v.GetRawText()}");

    static bool Bool(string key, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"{key} must be true or false, got {v.GetRawText()}"),
    };

    static string Word(string key, JsonElement v) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"{key} must be a string, got {v.GetRawText()}");

    /// <summary>The config as diffusers writes it (so a trained model's scheduler/ folder loads in diffusers too).</summary>
    public string ToJson(string className = "DDIMScheduler")
    {
        static string W(object o) => Convert.ToString(o, CultureInfo.InvariantCulture)!;
        var pairs = new (string, string)[]
        {
            ("_class_name", $"\"{className}\""),
            ("num_train_timesteps", W(NumTrainTimesteps)),
            ("beta_start", W(BetaStart)),
            ("beta_end", W(BetaEnd)),
            ("beta_schedule", BetaSchedule == BetaSchedule.Linear ? "\"linear\"" : "\"scaled_linear\""),
            ("prediction_type", PredictionType switch { PredictionType.Epsilon => "\"epsilon\"", PredictionType.VPrediction => "\"v_prediction\"", _ => "\"sample\"" }),
            ("timestep_spacing", $"\"{TimestepSpacing.ToString().ToLowerInvariant()}\""),
            ("steps_offset", W(StepsOffset)),
            ("set_alpha_to_one", SetAlphaToOne ? "true" : "false"),
            ("rescale_betas_zero_snr", RescaleBetasZeroSnr ? "true" : "false"),
            ("clip_sample", ClipSample ? "true" : "false"),
            ("clip_sample_range", W(ClipSampleRange)),
        };
        return "{\n" + string.Join(",\n", pairs.Select(p => $"  \"{p.Item1}\": {p.Item2}")) + "\n}\n";
    }
}
