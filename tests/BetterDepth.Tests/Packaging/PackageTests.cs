using System.IO.Compression;
using System.Xml.Linq;
using BetterDepth.Imaging;
using BetterDepth.Tests.Refinement;
using BetterDepth.Tests.Samples;

namespace BetterDepth.Tests.Packaging;

/// <summary>
/// `dotnet pack` gives packages with their metadata, and the sample, copied out of the repository, restores the
/// library from them through a local feed (beside the machine's own package source), builds and runs.
/// </summary>
[Collection(ChildProcesses.Name)]
public class PackageTests
{
    static readonly TimeSpan Minutes = TimeSpan.FromMinutes(8);

    /// <summary>The projects <paramref name="project"/> references, and theirs, in the order they were met.</summary>
    static List<string> ReferencedProjects(string project, List<string>? found = null)
    {
        found ??= [];
        foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
        {
            var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar)));
            if (found.Contains(path)) continue;
            found.Add(path);
            ReferencedProjects(path, found);
        }
        return found;
    }

    [Fact]
    public void TheSampleBuildsAndRunsAgainstThePackedLibraryFromALocalFeed()
    {
        var root = TestData.NewTempDir("package");
        var feed = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
        // a version of its own: the machine's package cache never holds it, so the restore below must use this feed
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var sampleProject = Path.Combine(TestData.RepoRoot, "samples", "RefineOne", "RefineOne.csproj");
        var packed = ReferencedProjects(sampleProject);
        Assert.NotEmpty(packed);
        var ids = new List<string>();
        try
        {
            foreach (var project in packed)
            {
                // --no-build: the solution's build output is packed as it is, and nothing in the repository is rebuilt
                ChildProcess.Dotnet(root, Minutes, "pack", project, "-c", ChildProcess.Configuration, "--no-build", "-o", feed, $"-p:Version={version}",
                        $"-p:NuspecOutputPath={Path.Combine(root, "nuspec")}{Path.DirectorySeparatorChar}")
                    .EnsureSuccess($"dotnet pack {Path.GetFileName(project)}");
                ids.Add(Path.GetFileNameWithoutExtension(project));
            }
            foreach (var id in ids) AssertPackageMetadata(Path.Combine(feed, $"{id}.{version}.nupkg"), id, version);

            var sample = Directory.CreateDirectory(Path.Combine(root, "sample")).FullName;
            foreach (var file in new[] { "RefineOne.csproj", "Program.cs" })
                File.Copy(Path.Combine(TestData.RepoRoot, "samples", "RefineOne", file), Path.Combine(sample, file));
            // the local feed is added to the sources the machine's NuGet configuration already has (no <clear/>)
            File.WriteAllText(Path.Combine(sample, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="betterdepth-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            ChildProcess.Dotnet(sample, Minutes, "build", "-c", "Release", $"-p:BetterDepthVersion={version}", "-nodeReuse:false")
                .EnsureSuccess("dotnet build of the sample against the package");
            var assets = File.ReadAllText(Path.Combine(sample, "obj", "project.assets.json"));
            Assert.Contains($"\"BetterDepth/{version}\"", assets);
            Assert.DoesNotContain("BetterDepth.csproj", assets);

            var image = Path.Combine(root, "photo.png");
            ImageFile.WritePng(image, RefinementTestModels.Image(40, 30));
            var run = ChildProcess.Dotnet(root, Minutes, Path.Combine(sample, "bin", "Release", "net10.0", "RefineOne.dll"), image,
                Path.Combine(TestData.RepoRoot, "models", "refiner")).EnsureSuccess("the sample built from the package");
            Assert.Contains("refined: 40x30", run.Out);
            // the named model settings are training's (BetterDepth.Training's package carries them), not the runtime's
            Assert.False(Directory.Exists(Path.Combine(sample, "bin", "Release", "net10.0", "configs")));
        }
        finally
        {
            // the machine's package cache keeps nothing of a test version
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in ids)
            {
                var cached = Path.Combine(cache, id.ToLowerInvariant(), version);
                if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
                var idFolder = Path.GetDirectoryName(cached)!;
                if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any()) Directory.Delete(idFolder);
            }
        }
    }

    static void AssertPackageMetadata(string nupkg, string id, string version)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        XDocument document;
        using (var stream = nuspec.Open()) document = XDocument.Load(stream);
        var metadata = document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement? Element(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

        Assert.Equal(id, Field("id"));
        Assert.Equal(version, Field("version"));
        // the SDK's stand-in when a project states none
        Assert.False(string.IsNullOrWhiteSpace(Field("description")) || Field("description") == "Package Description", $"{id}: no description of its own");
        Assert.False(string.IsNullOrWhiteSpace(Field("authors")), $"{id}: no authors");
        Assert.Equal("expression", Element("license")?.Attribute("type")?.Value);
        Assert.Equal("MIT", Field("license"));
        Assert.Contains("depth-estimation", Field("tags") ?? "");
        Assert.Equal("git", Element("repository")?.Attribute("type")?.Value);
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
        Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
        // what only the tests use stays out of what a runtime user restores
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToList();
        Assert.DoesNotContain(dependencies, d => d.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || d is "BigGustave" or "StbImageWriteSharp" or "CsCheck");
    }
}
