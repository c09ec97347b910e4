namespace BetterDepth.Cli;

/// <summary>
/// Runs a command body with the behaviour every command shares: bad input becomes one clear line on
/// stderr and exit code 2, Ctrl-C becomes exit code 130 after the body cleaned up, anything else is a bug
/// and is shown with its stack trace (exit code 1).
/// </summary>
public static class CommandRunner
{
    public const int ExitBadInput = 2;
    public const int ExitCancelled = 130;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellation)
    {
        try
        {
            return await body(cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return ExitCancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {OneLine.Escape(e.Message)}");
            return ExitBadInput;
        }
    }

    /// <summary>Errors caused by what the user gave us, as opposed to bugs in this program.</summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidFileException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException or InvalidDataException or BetterDepth.Training.TrainingDivergedException;
}
