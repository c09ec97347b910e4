using BetterDepth.Imaging;

namespace BetterDepth.Refinement;

/// <summary>An input image and where its outputs go, relative to the output folder (directory structure kept).</summary>
public sealed record ImageInput(string Path, string RelativeStem);

/// <summary>
/// Expands the image files and folders given on a command line into the images to process. A file named on its own
/// is taken as given; a folder gives only its colour images (.png, .jpg, .jpeg whose header is not grey), so that a
/// dataset folder's depth maps and other files are left out.
/// </summary>
public static class ImageInputs
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg" };

    /// <summary>All the images of <see cref="Stream"/> at once, refusing an empty list and two inputs with one output stem.</summary>
    public static IReadOnlyList<ImageInput> Expand(IEnumerable<string> paths, SkippedFiles? skipped = null)
    {
        skipped ??= new SkippedFiles();
        var result = Stream([.. paths], skipped).ToList();
        if (result.Count == 0)
            throw new ArgumentException("no colour images (.png, .jpg, .jpeg) found in the given paths" + (skipped.Summary() is { } s ? $"; {s}" : ""));
        var clash = result.GroupBy(r => r.RelativeStem).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new ArgumentException($"two inputs would write the same outputs '{clash.Key}': {string.Join(", ", clash.Select(c => c.Path))}");
        return result;
    }

    static string Stem(string relative) => System.IO.Path.ChangeExtension(relative, null)!;

    public static bool IsImage(string path) => Extensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>
    /// The images under the given files and folders, streamed: a folder is walked depth first with each folder's
    /// entries in ordinal order, holding one folder's listing per level, never the whole tree. The arguments are
    /// checked up front; duplicates of an output stem are left to the consumer (see <see cref="Sharding.ShardedPrediction"/>).
    /// </summary>
    /// <param name="skipped">Counts the files the folder walks pass over.</param>
    public static IEnumerable<ImageInput> Stream(IReadOnlyList<string> paths, SkippedFiles? skipped = null)
    {
        foreach (var path in paths)
            if (!Directory.Exists(path) && !File.Exists(path)) throw new FileNotFoundException($"{path}: no such image file or folder", path);
        return StreamChecked(paths, skipped);
    }

    static IEnumerable<ImageInput> StreamChecked(IReadOnlyList<string> paths, SkippedFiles? skipped)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Walk(path, path, skipped))
                    yield return new ImageInput(file, Stem(System.IO.Path.GetRelativePath(path, file)));
            }
            else yield return new ImageInput(path, Stem(System.IO.Path.GetFileName(path)));
        }
    }

    static IEnumerable<string> Walk(string folder, string root, SkippedFiles? skipped)
    {
        var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo dir)
            {
                // a link to a folder is followed once; a link back up the tree would otherwise never end
                if (dir.LinkTarget is not null) continue;
                foreach (var file in Walk(dir.FullName, root, skipped)) yield return file;
            }
            else if (IsImage(entry.Name) && !ImageFile.DeclaresGrey(entry.FullName)) yield return entry.FullName;
            else skipped?.Add(System.IO.Path.GetRelativePath(root, entry.FullName));
        }
    }

    /// <summary>
    /// The images named in a list file, one path per line (blank lines and lines starting with '#' are ignored),
    /// read line by line as they are consumed. Relative lines are taken relative to <paramref name="root"/>
    /// (default: the list file's folder); outputs mirror each image's path relative to the root, so a line outside
    /// the root is refused. Whether the file exists is found out when it is read (a failed input, not a failed run).
    /// </summary>
    public static IEnumerable<ImageInput> FromList(string listFile, string? root = null)
    {
        if (!File.Exists(listFile)) throw new FileNotFoundException($"{listFile}: no such input list", listFile);
        var rootFull = System.IO.Path.GetFullPath(root ?? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(listFile))!);
        if (!Directory.Exists(rootFull)) throw new DirectoryNotFoundException($"--input-root {rootFull}: no such folder");
        return ReadList(listFile, rootFull);
    }

    static IEnumerable<ImageInput> ReadList(string listFile, string root)
    {
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(listFile))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var full = System.IO.Path.GetFullPath(line, root);
            var relative = System.IO.Path.GetRelativePath(root, full);
            if (relative == "." || relative == ".." || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative))
                throw new ArgumentException($"{listFile}:{lineNumber}: {line} is not under the input root {root} (pass --input-root)");
            yield return new ImageInput(full, Stem(relative));
        }
    }
}
