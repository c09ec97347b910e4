using BetterDepth.Cli;

namespace BetterDepth.Tests.Hostile;

/// <summary>
/// The README's promise for bad input, as one assertion: the exception is one the CLI maps to exit 2, its message is
/// one line, and it names the file (as the message shows it, escaped).
/// </summary>
public static class Refused
{
    public static Exception By(Action action, string file)
    {
        var e = Record.Exception(action);
        Assert.NotNull(e);
        Assert.True(CommandRunner.IsUserError(e), $"{e.GetType().Name} would exit 1 with a stack trace: {e}");
        AssertOneLine(e.Message);
        Assert.Contains(OneLine.Escape(file), e.Message);
        return e;
    }

    public static void AssertOneLine(string message)
    {
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
    }

    /// <summary>A process id no process has (Linux pids stop at 2^22): a killed run's leftovers carry such an id.</summary>
    public const int DeadPid = int.MaxValue;
}
