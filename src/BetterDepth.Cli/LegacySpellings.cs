namespace BetterDepth.Cli;

/// <summary>
/// Option spellings from before every command spelled an option the same way: still accepted, so that scripts and
/// resumed runs keep working, but not shown in help; each use says the new spelling on stderr.
/// </summary>
public static class LegacySpellings
{
    static readonly (string Command, string Old, string New)[] Renamed =
    [
        ("convert", "--out", "--output"),
        ("synth", "--out", "--output"),
        ("train-prior", "--out", "--output"),
        ("prior", "--model", "--prior"),
        ("train", "--run", "--output"),
        ("bench", "--onnx", "--prior"),
    ];

    /// <summary>The arguments with old spellings replaced (also in the --name=value and --name:value forms).</summary>
    public static string[] Rewrite(IReadOnlyList<string> args, TextWriter notes)
    {
        var result = args.ToArray();
        if (result.Length == 0) return result;
        foreach (var (command, old, replacement) in Renamed.Where(r => r.Command == result[0]))
        {
            for (int i = 1; i < result.Length && result[i] != "--"; i++)
            {
                var word = result[i];
                bool matches = word == old || (word.StartsWith(old, StringComparison.Ordinal) && word.Length > old.Length && word[old.Length] is '=' or ':');
                if (!matches) continue;
                result[i] = replacement + word[old.Length..];
                notes.WriteLine($"note: {command} {old} is now {replacement}");
            }
        }
        return result;
    }
}
