namespace BetterDepth.Tests.Cli;

/// <summary>
/// Commands that show a Spectre.Console progress display: Spectre refuses two live displays at once
/// (InvalidOperationException, exit code 1), so these tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleDisplay
{
    public const string Name = "console progress display";
}
