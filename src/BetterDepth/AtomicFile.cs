namespace BetterDepth;

/// <summary>
/// Writes files so that readers never see half of one: the content goes to a temporary file in the same
/// folder (same volume, so the rename is atomic), is flushed to disk, and only then replaces the target.
/// If writing fails, the temporary file is deleted and any previous file at the path is left untouched.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        // The process id in the name lets a later run tell a killed run's leftover from a write in progress.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}-{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    const string TempSuffix = ".tmp";

    /// <summary>Files written before temp names carried a process id are removed once they are this old.</summary>
    static readonly TimeSpan LegacyTempAge = TimeSpan.FromHours(1);

    /// <summary>
    /// Deletes the hidden temp files (<c>.NAME.PID-GUID.tmp</c>) that runs killed mid-write left in
    /// <paramref name="folder"/> (not its subfolders); files of processes still running are kept. Returns how many went.
    /// </summary>
    public static int RemoveStaleTemps(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var path in Directory.EnumerateFiles(folder, ".*" + TempSuffix))
        {
            if (!IsStaleTemp(path)) continue;
            TryDelete(path);
            removed++;
        }
        return removed;
    }

    static bool IsStaleTemp(string path)
    {
        var name = Path.GetFileName(path);
        var stem = name[..^TempSuffix.Length];
        var lastDot = stem.LastIndexOf('.');
        if (lastDot <= 0) return false;
        var tag = stem[(lastDot + 1)..];
        var dash = tag.IndexOf('-');
        if (dash > 0 && tag.Length - dash - 1 == 32 && int.TryParse(tag.AsSpan(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
            return !AtomicFolder.IsAlive(pid);
        // the older form, .NAME.GUID.tmp, has no process id: only its age tells
        return tag.Length == 32 && tag.All(char.IsAsciiHexDigit) && DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > LegacyTempAge;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
