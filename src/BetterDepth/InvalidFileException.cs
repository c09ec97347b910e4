namespace BetterDepth;

/// <summary>
/// A file that cannot be used as what it was asked to be: malformed, truncated, lying about its size,
/// holding values that make no sense. The message always names the file and the problem.
/// Every reader in the library throws this (and only this) for bad input.
/// </summary>
public class InvalidFileException : IOException
{
    public string FilePath { get; }
    public string Problem { get; }

    public InvalidFileException(string filePath, string problem, Exception? inner = null)
        : base($"{OneLine.Escape(filePath)}: {OneLine.Escape(problem)}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }
}
