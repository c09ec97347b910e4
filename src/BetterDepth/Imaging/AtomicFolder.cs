namespace BetterDepth.Imaging;

/// <summary>
/// Replaces a whole folder at once: its new contents are written into a sibling temp folder, then the old
/// folder is moved aside and the new one renamed into place. A failure before the rename leaves the old
/// folder untouched; the window between the two renames is two metadata operations long.
/// </summary>
public static class AtomicFolder
{
    public static void Replace(string folder, Action<string> writeInto)
    {
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.tmp-{Environment.ProcessId}";
        var old = $"{full}.old-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            writeInto(temp);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(full)) Directory.Move(full, old);
        Directory.Move(temp, full);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}
