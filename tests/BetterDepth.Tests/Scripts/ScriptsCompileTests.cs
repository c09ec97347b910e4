using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BetterDepth.Tests.Scripts;

/// <summary>
/// The file-based programs in bench/ and experiments/ (run with `dotnet run FILE.cs`) are not part of the solution, so
/// a change to the library could break them unseen (the project split once made two of them use what had become
/// internal). Each is compiled here as `dotnet run` would: against the project its #:project line names and the
/// projects below it, with the SDK's implicit usings, and must give no error.
/// </summary>
public class ScriptsCompileTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, "bench"), "*.cs")
                     .Concat(Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, "experiments"), "*.cs", SearchOption.AllDirectories))
                     .Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestData.RepoRoot, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Compiles(string script)
    {
        var path = Path.Combine(TestData.RepoRoot, script);
        var lines = File.ReadAllLines(path);
        var projects = lines.Select(l => Regex.Match(l, @"^#:project\s+(\S+)")).Where(m => m.Success)
            .Select(m => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, m.Groups[1].Value))).ToList();
        // the directives are for the SDK; blank lines keep the diagnostics' line numbers
        var source = string.Join('\n', lines.Select(l => l.StartsWith("#:") || l.StartsWith("#!") ? "" : l));
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path);
        var compilation = CSharpCompilation.Create("script-" + Path.GetFileNameWithoutExtension(path), [tree, ImplicitUsings],
            References(ProjectClosure(projects)),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"{script} does not compile:\n{string.Join('\n', errors.Take(10))}");
    }

    /// <summary>Those of Microsoft.NET.Sdk (ImplicitUsings=enable), which file-based programs have.</summary>
    static readonly SyntaxTree ImplicitUsings = CSharpSyntaxTree.ParseText(string.Join('\n',
        new[] { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" }
            .Select(n => $"global using global::{n};")), new CSharpParseOptions(LanguageVersion.Preview));

    /// <summary>The assembly names of the given projects and of every project they reference, directly or not.</summary>
    static HashSet<string> ProjectClosure(IEnumerable<string> csprojs)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(csprojs);
        while (pending.TryPop(out var csproj))
        {
            if (!names.Add(Path.GetFileNameWithoutExtension(csproj))) continue;
            foreach (var reference in XDocument.Load(csproj).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        return names;
    }

    /// <summary>
    /// The framework and packages this process runs with, and of the repository's own assemblies only those the script
    /// may see: a script naming a project it does not reference would not build with `dotnet run`.
    /// </summary>
    static IEnumerable<MetadataReference> References(HashSet<string> visibleProjects)
    {
        var own = Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).Append("BetterDepth.Tests").Append("RefineOne")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(dll => !own.Contains(Path.GetFileNameWithoutExtension(dll)!) || visibleProjects.Contains(Path.GetFileNameWithoutExtension(dll)!))
            .Select(dll => MetadataReference.CreateFromFile(dll));
    }
}
