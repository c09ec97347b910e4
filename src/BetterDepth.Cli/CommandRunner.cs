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
        IOException io when OutOfRoom(io) && PathAtEnd(io.Message) is (var problem, var path) => $"{path}: {problem}",
        _ => e.Message,
    });

    /// <summary>
    /// A write the machine had no room or no right for: a full disk or quota, a read-only file system. The user's to
    /// fix, not a bug; the writes that hit it (checkpoints, outputs) are atomic, so nothing half-written is left.
    /// Unix gives the errno as HResult; Windows its HRESULTs for a full disk.
    /// </summary>
    static bool OutOfRoom(IOException e) => e.HResult is 28 /* ENOSPC */ or 122 /* EDQUOT */ or 30 /* EROFS */
        or unchecked((int)0x80070070) /* ERROR_DISK_FULL */ or unchecked((int)0x80070027) /* ERROR_HANDLE_DISK_FULL */;

    /// <summary>A .NET Unix I/O message "No space left on device : '/the/path'" as ("no space left on device", path).</summary>
    static (string Problem, string Path)? PathAtEnd(string message)
    {
        const string separator = " : '";
        int at = message.IndexOf(separator, StringComparison.Ordinal), start = at + separator.Length;
        if (at <= 0 || !message.EndsWith('\'') || message.Length - 1 <= start) return null;
        return (char.ToLowerInvariant(message[0]) + message[1..at], message[start..^1]);
    }

    /// <summary>The path quoted in a .NET message of the form "PREFIX '/the/path' ...".</summary>
    static string? RuntimePath(string message, string prefix)
    {
        if (!message.StartsWith(prefix + " '", StringComparison.Ordinal)) return null;
        int start = prefix.Length + 2, end = message.LastIndexOf('\'');
        return end > start ? message[start..end] : null;
    }

    /// <summary>Errors caused by what the user gave us or the room the machine has, as opposed to bugs in this program.</summary>
    public static bool IsUserError(Exception e) =>
        e is IOException io && OutOfRoom(io) ||
        e is InvalidFileException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException or InvalidDataException or BetterDepth.Training.TrainingDivergedException;
}
