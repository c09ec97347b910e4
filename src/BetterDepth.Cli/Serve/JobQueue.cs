using System.Diagnostics;
using System.Security.Cryptography;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Cli.Serve;

public enum JobState { Queued, Running, Done, Failed, Cancelled }

/// <summary>One uploaded image on its way through the queue. Its id is the only handle a client has on it.</summary>
public sealed class Job
{
    internal Job(string id, long sequence, RgbImage image, RefinementOptions options, string folder)
    {
        Id = id;
        Sequence = sequence;
        Image = image;
        Options = options;
        Folder = folder;
        Width = image.Width;
        Height = image.Height;
    }

    public string Id { get; }
    internal long Sequence { get; }
    /// <summary>The decoded upload; dropped once the job has finished.</summary>
    internal RgbImage? Image { get; set; }
    public RefinementOptions Options { get; }
    internal string Folder { get; }
    public int Width { get; }
    public int Height { get; }
    public DateTime Created { get; } = DateTime.UtcNow;
    public JobState State { get; internal set; } = JobState.Queued;
    public double Progress { get; internal set; }
    public string? Error { get; internal set; }
    public double? Seconds { get; internal set; }
    internal DateTime? Finished { get; set; }
    internal CancellationTokenSource Cancellation { get; } = new();
    /// <summary>Public output name (e.g. refined.npy) -> file in the job's folder; filled only when the job is done.</summary>
    public IReadOnlyDictionary<string, string> Files { get; internal set; } = new Dictionary<string, string>();
    internal long LastSeenTicks = Stopwatch.GetTimestamp();
    internal int Watchers;

    public bool IsFinished => State is JobState.Done or JobState.Failed or JobState.Cancelled;
    internal void Touch() => Interlocked.Exchange(ref LastSeenTicks, Stopwatch.GetTimestamp());
}

/// <summary>Outcome of offering a job to the queue.</summary>
public enum EnqueueResult { Accepted, QueueFull, ShuttingDown }

/// <summary>
/// The bounded queue behind <c>betterdepth serve</c>: at most <see cref="ServeSettings.QueueCapacity"/> jobs wait,
/// <see cref="ServeSettings.Concurrency"/> run; a job whose client left is cancelled; finished jobs expire and their
/// files are deleted. Every job lives in its own folder under the server's work folder, named by its random id.
/// A failing refinement fails its job and never the worker.
/// </summary>
public sealed class JobQueue : IAsyncDisposable
{
    readonly ServeSettings settings;
    readonly IDepthPrior prior;
    readonly RefinerModel refiner;
    readonly Dictionary<string, Job> jobs = new(StringComparer.Ordinal);
    readonly LinkedList<Job> waiting = new();
    readonly SemaphoreSlim signal = new(0);
    readonly CancellationTokenSource stopping = new();
    readonly Task[] workers;
    readonly Timer reaper;
    readonly object gate = new();
    long sequence;
    int running;
    int reaping;
    bool disposed;

    /// <summary>Counters since start, for logs and the load test.</summary>
    public int Accepted, Completed, Failed, Cancelled, Rejected, Expired;

    public string WorkFolder { get; }

    public JobQueue(IDepthPrior prior, RefinerModel refiner, ServeSettings settings)
    {
        this.prior = prior;
        this.refiner = refiner;
        this.settings = settings;
        var parent = settings.WorkFolder ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        RemoveLeftovers(parent);
        WorkFolder = Path.Combine(Path.GetFullPath(parent), $"betterdepth-serve-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        Directory.CreateDirectory(WorkFolder);
        workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(WorkLoop)).ToArray();
        var period = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(settings.ResultLifetime.TotalMilliseconds, settings.ClientTimeout.TotalMilliseconds) / 4, 50, 5000));
        reaper = new Timer(_ => Reap(), null, period, period);
    }

    public EnqueueResult TryEnqueue(RgbImage image, RefinementOptions options, out Job? job)
    {
        lock (gate)
        {
            job = null;
            if (disposed) return EnqueueResult.ShuttingDown;
            if (waiting.Count >= settings.QueueCapacity && running + waiting.Count >= settings.Concurrency)
            {
                Rejected++;
                return EnqueueResult.QueueFull;
            }
            var id = RandomNumberGenerator.GetHexString(32, lowercase: true);
            job = new Job(id, ++sequence, image, options, Path.Combine(WorkFolder, id));
            jobs.Add(id, job);
            waiting.AddLast(job);
            Accepted++;
        }
        signal.Release();
        settings.Log?.Invoke($"job {job.Id[..8]} queued ({image.Width}x{image.Height}, {options.Steps} steps, ensemble {options.EnsembleSize}, {options.ProcessingResolution} px)");
        return EnqueueResult.Accepted;
    }

    /// <summary>The job with this id, if the server issued it and it has not expired; marks it as seen.</summary>
    public Job? Find(string id)
    {
        lock (gate)
        {
            if (!jobs.TryGetValue(id, out var job)) return null;
            job.Touch();
            return job;
        }
    }

    /// <summary>1 for the next job to run, 2 for the one after...; 0 once running or finished.</summary>
    public int Position(Job job)
    {
        lock (gate)
        {
            if (job.State != JobState.Queued) return 0;
            int position = 1;
            for (var node = waiting.First; node is not null; node = node.Next, position++)
                if (ReferenceEquals(node.Value, job)) return position;
            return 0;
        }
    }

    public (int Waiting, int Running, int Kept) Counts()
    {
        lock (gate) return (waiting.Count, running, jobs.Count);
    }

    /// <summary>Cancels a queued or running job (a running one stops at its next step); false if it had already finished.</summary>
    public bool Cancel(Job job, string reason)
    {
        lock (gate)
        {
            if (job.IsFinished) return false;
            if (job.State == JobState.Queued)
            {
                waiting.Remove(job);
                FinishLocked(job, JobState.Cancelled, reason);
                return true;
            }
        }
        job.Error ??= reason;
        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>Removes a job and its files now (a client that is done with them).</summary>
    public void Remove(Job job)
    {
        Cancel(job, "deleted by the client");
        lock (gate)
        {
            if (!job.IsFinished) return;   // running: the worker finishes it; expiry removes it
            jobs.Remove(job.Id);
        }
        DeleteFolder(job.Folder);
    }

    /// <summary>A client started watching (server-sent events); when the last watcher leaves an unfinished job, the job is cancelled.</summary>
    public void Watch(Job job) => Interlocked.Increment(ref job.Watchers);

    public void Unwatch(Job job, bool clientLeft)
    {
        job.Touch();
        if (Interlocked.Decrement(ref job.Watchers) == 0 && clientLeft && !job.IsFinished) Cancel(job, "the client left");
    }

    void FinishLocked(Job job, JobState state, string? error)
    {
        job.State = state;
        job.Error = state == JobState.Done ? null : error ?? job.Error;
        job.Finished = DateTime.UtcNow;
        job.Image = null;
        switch (state)
        {
            case JobState.Done: Completed++; break;
            case JobState.Failed: Failed++; break;
            case JobState.Cancelled: Cancelled++; break;
        }
        settings.Log?.Invoke($"job {job.Id[..8]} {state.ToString().ToLowerInvariant()}{(job.Error is { } e && state != JobState.Done ? ": " + e : "")}{(job.Seconds is { } s ? $" ({s:0.00} s)" : "")}");
    }

    async Task WorkLoop()
    {
        while (true)
        {
            try { await signal.WaitAsync(stopping.Token); }
            catch (OperationCanceledException) { return; }
            Job? job;
            lock (gate)
            {
                job = waiting.First?.Value;
                if (job is null) continue;  // a cancelled job left its signal behind
                waiting.RemoveFirst();
                job.State = JobState.Running;
                running++;
            }
            try
            {
                Execute(job);
            }
            finally
            {
                lock (gate) running--;
            }
        }
    }

    void Execute(Job job)
    {
        var clock = Stopwatch.StartNew();
        JobState state;
        string? error = null;
        Dictionary<string, string>? files = null;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Cancellation.Token, stopping.Token);
            var ct = linked.Token;
            var image = job.Image ?? throw new InvalidOperationException("job has no image");
            var pipeline = new RefinementPipeline(prior, refiner, job.Options);
            var result = pipeline.Run(image, null, ct, new InlineProgress(p => job.Progress = (double)p.Done / p.Total));
            ct.ThrowIfCancellationRequested();
            files = JobOutputs.Write(job.Folder, image, result);
            state = JobState.Done;
        }
        catch (OperationCanceledException)
        {
            state = JobState.Cancelled;
            error = stopping.IsCancellationRequested ? "the server is shutting down" : null;
        }
        catch (Exception e)
        {
            // A bad input or a bug in one refinement fails that job; the worker goes on with the next.
            state = JobState.Failed;
            error = CommandRunner.IsUserError(e) ? OneLine.Escape(e.Message) : $"internal error ({e.GetType().Name}: {OneLine.Escape(e.Message)})";
            if (!CommandRunner.IsUserError(e)) settings.Log?.Invoke($"job {job.Id[..8]} failed with {e}");
        }
        job.Seconds = clock.Elapsed.TotalSeconds;
        bool keep;
        lock (gate)
        {
            if (state == JobState.Done) { job.Files = files!; job.Progress = 1; }
            FinishLocked(job, state, error);
            keep = state == JobState.Done && !disposed;
        }
        if (!keep) DeleteFolder(job.Folder);
    }

    /// <summary>Cancels jobs whose clients left and deletes results older than their lifetime.</summary>
    void Reap()
    {
        // Timer callbacks may overlap when one is slow, and an exception escaping a timer callback ends the process.
        if (Interlocked.Exchange(ref reaping, 1) == 1) return;
        try { ReapOnce(); }
        catch (Exception e) { settings.Log?.Invoke($"clean-up failed (will retry): {e.GetType().Name}: {e.Message}"); }
        finally { Volatile.Write(ref reaping, 0); }
    }

    void ReapOnce()
    {
        var now = DateTime.UtcNow;
        var expired = new List<Job>();
        var abandoned = new List<Job>();
        lock (gate)
        {
            if (disposed) return;
            foreach (var job in jobs.Values)
            {
                if (job.IsFinished)
                {
                    if (now - job.Finished > settings.ResultLifetime) expired.Add(job);
                }
                else if (Volatile.Read(ref job.Watchers) == 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref job.LastSeenTicks)) > settings.ClientTimeout)
                {
                    abandoned.Add(job);
                }
            }
        }
        foreach (var job in abandoned) Cancel(job, "nobody asked about the job for " + settings.ClientTimeout.TotalSeconds + " s (the client left)");
        // Files first, then the id: once a client sees 404 for the job, its files are gone too.
        foreach (var job in expired) DeleteFolder(job.Folder);
        lock (gate)
            foreach (var job in expired)
                if (jobs.Remove(job.Id))
                {
                    Expired++;
                    settings.Log?.Invoke($"job {job.Id[..8]} expired; its files are deleted");
                }
    }

    /// <summary>Work folders of servers that were killed before they could clean up (their process is gone).</summary>
    static void RemoveLeftovers(string parent)
    {
        foreach (var folder in Directory.EnumerateDirectories(parent, "betterdepth-serve-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length != 4 || !int.TryParse(parts[2], out var pid) || pid == Environment.ProcessId) continue;
            bool alive;
            try { using var p = Process.GetProcessById(pid); alive = !p.HasExited; }
            catch (ArgumentException) { alive = false; }
            catch (InvalidOperationException) { alive = false; }
            if (!alive) DeleteFolder(folder);
        }
    }

    static void DeleteFolder(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        await reaper.DisposeAsync();
        stopping.Cancel();
        // The files go first: a process stopped by a signal has only a couple of seconds before it is ended.
        DeleteFolder(WorkFolder);
        try { await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { }
        DeleteFolder(WorkFolder);   // anything a finishing worker wrote meanwhile
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    sealed class InlineProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
