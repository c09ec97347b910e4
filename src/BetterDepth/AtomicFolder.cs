using System.Diagnostics;
using System.Globalization;

namespace BetterDepth;

/// <summary>
/// Replaces a whole folder at once: its new contents are written into a sibling temp folder (<c>NAME.tmp-PID</c>),
/// then the old folder is moved aside (<c>NAME.old-PID</c>) and the new one renamed into place. A failure before the
/// rename leaves the old folder untouched. A kill between the two renames leaves no <c>NAME</c> at all, only both
/// siblings; <see cref="Recover"/> puts the right one back, and whoever finds or loads the folder calls it first.
/// </summary>
public static class AtomicFolder
{
    const string TempTag = ".tmp-", OldTag = ".old-";

    public static void Replace(string folder, Action<string> writeInto)
    {
        var full = Path.GetFullPath(folder);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Recover(full); // a killed run's leftovers: restore NAME if it is missing, then clear them
        var temp = $"{full}{TempTag}{Environment.ProcessId}";
        var old = $"{full}{OldTag}{Environment.ProcessId}";
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

    /// <summary>
    /// Repairs what a process killed inside <see cref="Replace"/> left beside <paramref name="folder"/>; leftovers of
    /// processes still alive are not touched. The order of Replace's steps says which leftover is whole:
    /// <list type="bullet">
    /// <item>NAME exists: it is the last complete version; the leftovers are stale and deleted.</item>
    /// <item>NAME missing, NAME.old-PID and NAME.tmp-PID of one process: killed between the renames, after the new
    /// version was complete (NAME is moved aside only then): NAME.tmp-PID becomes NAME.</item>
    /// <item>NAME missing, only NAME.old-PID: NAME.old-PID becomes NAME (the previous version, still complete).</item>
    /// <item>NAME missing, only NAME.tmp-PID: a first save killed while writing, maybe incomplete: deleted.</item>
    /// </list>
    /// Returns true when NAME exists afterwards.
    /// </summary>
    public static bool Recover(string folder)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return false;
        var name = Path.GetFileName(full);
        var leftovers = Directory.EnumerateDirectories(parent, name + ".*")
            .Select(path => (Path: path, Kind: KindOf(Path.GetFileName(path), name, out var pid), Pid: pid))
            .Where(l => l.Kind is not null && !IsAlive(l.Pid))
            .ToList();
        if (leftovers.Count == 0) return Directory.Exists(full);

        if (!Directory.Exists(full))
        {
            var olds = leftovers.Where(l => l.Kind == OldTag).ToList();
            // A tmp is known complete only when its own process had moved NAME aside (its old exists).
            var complete = leftovers.Where(l => l.Kind == TempTag && olds.Any(o => o.Pid == l.Pid)).ToList();
            var restore = Newest(complete) ?? Newest(olds);
            if (restore is { } r)
            {
                Directory.Move(r, full);
                leftovers.RemoveAll(l => l.Path == r);
            }
        }
        foreach (var l in leftovers) TryDeleteFolder(l.Path);
        return Directory.Exists(full);
    }

    static string? Newest(List<(string Path, string? Kind, int Pid)> candidates) =>
        candidates.OrderByDescending(c => Directory.GetLastWriteTimeUtc(c.Path)).Select(c => c.Path).FirstOrDefault();

    /// <summary>".tmp-" or ".old-" for NAME.tmp-PID / NAME.old-PID, else null.</summary>
    static string? KindOf(string fileName, string name, out int pid)
    {
        pid = 0;
        foreach (var tag in new[] { TempTag, OldTag })
        {
            var prefix = name + tag;
            if (fileName.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(fileName.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out pid))
                return tag;
        }
        return null;
    }

    /// <summary>Whether a process with this id runs now (then its leftovers may be work in progress). Our own id counts as not alive: we are not inside Replace on this folder.</summary>
    internal static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    static void TryDeleteFolder(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
