using System.Diagnostics;

namespace BetterDepth.Tests;

/// <summary>
/// The tests that start a program, a pack or a build as a child run alone: on a busy 2-core machine a child's libtorch
/// threads beside another test's (or a child build's) were slowed past any sensible time-out once.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChildProcesses
{
    public const string Name = "child processes";
}

/// <summary>Runs the dotnet host as a child process (a sample, a pack, a build) and collects what it printed.</summary>
static class ChildProcess
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public Result EnsureSuccess(string what) =>
            Code == 0 ? this : throw new InvalidOperationException($"{what} exited with {Code}:\n{Out}\n{Err}");
    }

    /// <summary>The dotnet host running these tests, so a child uses the same SDK and runtime.</summary>
    static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Runs <c>dotnet ARGS</c>. MSBuild's variables that <c>dotnet test</c> leaves in this process are removed (they
    /// would point a child build at the parent's MSBuild), and no build server or node outlives the child.
    /// </summary>
    public static Result Dotnet(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList()) start.Environment.Remove(key);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in {timeout}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The CLI beside the test assembly (the test project references it).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "BetterDepth.Cli.dll");

    /// <summary>Runs any program with extra environment variables: what a user at a shell sees.</summary>
    public static (int Code, string Out, string Err) Exec(string file, IDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    /// <summary>`betterdepth ARGS` in its own process.</summary>
    public static (int Code, string Out, string Err) Cli(params string[] args) => Exec("dotnet", null, [CliDll, .. args]);

    /// <summary>The build configuration these tests were built in (bin/CONFIGURATION/TFM/), which the other projects share.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
