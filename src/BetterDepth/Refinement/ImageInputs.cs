namespace BetterDepth.Refinement;

/// <summary>An input image and where its outputs go, relative to the output folder (directory structure kept).</summary>
public sealed record ImageInput(string Path, string RelativeStem);

/// <summary>Expands the image files and folders given on a command line into the images to process.</summary>
public static class ImageInputs
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg" };

    public static IReadOnlyList<ImageInput> Expand(IEnumerable<string> paths)
    {
        var result = new List<ImageInput>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
                    result.Add(new ImageInput(file, Stem(Path.GetRelativePath(path, file))));
            }
            else if (File.Exists(path))
            {
                result.Add(new ImageInput(path, Stem(Path.GetFileName(path))));
            }
            else
            {
                throw new FileNotFoundException($"{path}: no such image file or folder", path);
            }
        }
        if (result.Count == 0) throw new ArgumentException("no images found (.png, .jpg, .jpeg) in the given paths");
        var clash = result.GroupBy(r => r.RelativeStem).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null) throw new ArgumentException($"two inputs would write the same outputs '{clash.Key}': {string.Join(", ", clash.Select(c => c.Path))}");
        return result;
    }

    static string Stem(string relative) => System.IO.Path.ChangeExtension(relative, null)!;
}
