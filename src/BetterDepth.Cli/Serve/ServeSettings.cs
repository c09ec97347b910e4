using BetterDepth.Refinement;

namespace BetterDepth.Cli.Serve;

/// <summary>How <c>betterdepth serve</c> runs: where it listens, what it accepts, how many jobs it keeps and for how long.</summary>
public sealed record ServeSettings
{
    /// <summary>Addresses to listen on; loopback only unless the user asks otherwise.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5000"];
    /// <summary>Largest upload accepted, in bytes (the whole file).</summary>
    public long MaxUploadBytes { get; init; } = 20L << 20;
    /// <summary>Largest image accepted, in pixels, checked against the header before anything is decoded.</summary>
    public long MaxPixels { get; init; } = 25_000_000;
    /// <summary>Refinements running at once (they share the loaded models).</summary>
    public int Concurrency { get; init; } = 1;
    /// <summary>Jobs waiting beyond the running ones; a full queue answers 503.</summary>
    public int QueueCapacity { get; init; } = 16;
    /// <summary>How long a finished job's status and files are kept before they are deleted.</summary>
    public TimeSpan ResultLifetime { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A queued or running job that nobody watches or asks about for this long is cancelled (its client left).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Folder under which the server makes its own work folder (removed when the server stops); null = the system temp folder.</summary>
    public string? WorkFolder { get; init; }
    /// <summary>The model's defaults shown on the page and used when a request does not say.</summary>
    public RefinementOptions Defaults { get; init; } = new();
    public int MaxSteps { get; init; } = 50;
    public int MaxEnsemble { get; init; } = 10;
    public int MaxProcessingResolution { get; init; } = 1024;
    /// <summary>Names shown on the page.</summary>
    public string PriorName { get; init; } = "";
    public string RefinerName { get; init; } = "";
    /// <summary>One line per job event (accepted, done, failed, cancelled, expired); null = silent.</summary>
    public Action<string>? Log { get; init; }

    public void Validate()
    {
        if (Urls.Count == 0) throw new ArgumentException("--urls: give at least one address");
        if (MaxUploadBytes < 1024) throw new ArgumentException($"--max-upload-mb must allow at least 1 KB, got {MaxUploadBytes} bytes");
        if (MaxPixels < 1) throw new ArgumentException($"--max-pixels must be >= 1, got {MaxPixels}");
        if (Concurrency < 1) throw new ArgumentException($"--concurrency must be >= 1, got {Concurrency}");
        if (QueueCapacity < 0) throw new ArgumentException($"--queue must be >= 0, got {QueueCapacity}");
        if (ResultLifetime <= TimeSpan.Zero) throw new ArgumentException("--keep-minutes must be > 0");
        if (ClientTimeout <= TimeSpan.Zero) throw new ArgumentException("--client-timeout must be > 0");
        if (MaxSteps < 1 || MaxEnsemble < 1 || MaxProcessingResolution < 1) throw new ArgumentException("the steps, ensemble and resolution limits must be >= 1");
        Defaults.Validate();
    }
}
