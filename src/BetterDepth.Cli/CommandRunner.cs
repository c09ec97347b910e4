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
            Console.Error.WriteLine($"error: {Describe(e)}");
            return ExitBadInput;
        }
    }

    /// <summary>
    /// A user error as one line. The project's own messages name the file already; .NET's file-system errors
    /// ("Could not find file '...'") are put in the same words as the rest.
    /// </summary>
    public static string Describe(Exception e) => OneLine.Escape(e switch
    {
        FileNotFoundException { FileName: { } file } f when f.Message == $"Could not find file '{file}'." => $"{file}: no such file",
        DirectoryNotFoundException d when RuntimePath(d.Message, "Could not find a part of the path") is { } path => $"{path}: no such file or folder",
        UnauthorizedAccessException u when RuntimePath(u.Message, "Access to the path") is { } path =>
            Directory.Exists(path) ? $"{path}: is a folder, not a file" : $"{path}: permission denied",
        _ => e.Message,
    });

    /// <summary>The path quoted in a .NET message of the form "PREFIX '/the/path' ...".</summary>
    static string? RuntimePath(string message, string prefix)
    {
        if (!message.StartsWith(prefix + " '", StringComparison.Ordinal)) return null;
        int start = prefix.Length + 2, end = message.LastIndexOf('\'');
        return end > start ? message[start..end] : null;
    }

    /// <summary>Errors caused by what the user gave us, as opposed to bugs in this program.</summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidFileException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException or InvalidDataException or BetterDepth.Training.TrainingDivergedException;
}
