using Spectre.Console;

namespace BetterDepth.Cli;

/// <summary>Turns a library job's <see cref="IProgress{WorkProgress}"/> into a Spectre.Console progress bar on stderr.</summary>
public static class ProgressBars
{
    static readonly IAnsiConsole Err = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Spectre.Console allows one live display per process: jobs started concurrently (tests, library hosts) take turns.</summary>
    static readonly SemaphoreSlim OneDisplay = new(1, 1);

    public static async Task<T> RunAsync<T>(string title, Func<IProgress<WorkProgress>, Task<T>> work)
    {
        T result = default!;
        await OneDisplay.WaitAsync();
        try
        {
        await Err.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                var progress = new SyncProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = Math.Min(p.Done, p.Total);
                    task.Description = Markup.Escape(p.Note is null ? title : $"{title}: {p.Note}");
                });
                result = await work(progress);
                task.Value = task.MaxValue;
            });
        }
        finally
        {
            OneDisplay.Release();
        }
        return result;
    }

    public static Task RunAsync(string title, Func<IProgress<WorkProgress>, Task> work) =>
        RunAsync<bool>(title, async p => { await work(p); return true; });

    /// <summary>Reports synchronously: Progress&lt;T&gt; would post to a thread pool and arrive out of order.</summary>
    sealed class SyncProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        readonly object gate = new();
        public void Report(WorkProgress value) { lock (gate) report(value); }
    }
}
