using System.Diagnostics;

namespace BetterDepth.Tests.Cli;

/// <summary>Runs a program as a child process and collects its exit code and output: what a user at a shell sees.</summary>
public static class ChildProcess
{
    /// <summary>The CLI beside the test assembly (the test project references it).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "BetterDepth.Cli.dll");

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
}
