using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BetterDepth.Tests.Cli;

/// <summary>
/// A real one-node Slurm on localhost for a test: munged, slurmctld and slurmd started in the foreground as children
/// of the test (so their process ids are known), their configuration, state, spool, logs and munge socket in a
/// temporary folder, no cgroups (proctrack/linuxproc, task/none) and no accounting. Disposing stops exactly these
/// three processes, by their ids. Needs root and Debian's slurm-wlm and munge (scripts/setup-slurm.sh, which
/// test.sh runs).
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    readonly List<Process> daemons = [];
    public string Dir { get; }
    public string Conf => Path.Combine(Dir, "slurm.conf");

    LocalSlurm(string dir) => Dir = dir;

    public static LocalSlurm Start()
    {
        foreach (var tool in new[] { "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo", "munged", "setpriv" })
            if (Which(tool) is null)
                throw new InvalidOperationException($"{tool} is not installed: run scripts/setup-slurm.sh (test.sh does) to install Debian's slurm-wlm and munge");
        if (Environment.UserName != "root") throw new InvalidOperationException("the Slurm test runs slurmd, which needs root");

        // Unix socket paths (munged's, slurmd's step sockets in its spool) are limited to 108 bytes: a short folder of
        // its own, removed again by Dispose, rather than one under the tests' long temporary root
        var dir = Path.Combine("/tmp", $"bdslurm-{Guid.NewGuid():N}"[..16]);
        Directory.CreateDirectory(dir);
        var slurm = new LocalSlurm(dir);
        try { slurm.Boot(); }
        catch { slurm.Dispose(); throw; }
        return slurm;
    }

    void Boot()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Slurm and munge run on Linux");
        var munge = Directory.CreateDirectory(Path.Combine(Dir, "munge")).FullName;
        // munged refuses a socket folder that others cannot traverse, and runs as the munge user
        File.SetUnixFileMode(Dir, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(munge, (UnixFileMode)Convert.ToInt32("755", 8));
        Run("chown", "munge:munge", munge).EnsureSuccess("chown");
        var socket = Path.Combine(munge, "munge.socket");
        daemons.Add(StartDaemon("munged", "setpriv", "--reuid=munge", "--regid=munge", "--init-groups", Which("munged")!, "--foreground",
            "--socket=" + socket, "--pid-file=" + Path.Combine(munge, "munged.pid"), "--log-file=" + Path.Combine(munge, "munged.log"),
            "--seed-file=" + Path.Combine(munge, "munged.seed")));
        WaitUntil(() => File.Exists(socket), TimeSpan.FromSeconds(20), "munged's socket");

        var host = Run("hostname", "-s").EnsureSuccess("hostname").Out.Trim();
        foreach (var sub in new[] { "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Dir, sub));
        File.WriteAllText(Conf, $"""
            ClusterName=betterdepth-test
            SlurmctldHost={host}(127.0.0.1)
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            AuthInfo=socket={socket}
            CredType=cred/munge
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            MpiDefault=none
            ReturnToService=2
            StateSaveLocation={Dir}/state
            SlurmdSpoolDir={Dir}/spool
            SlurmctldPidFile={Dir}/slurmctld.pid
            SlurmdPidFile={Dir}/slurmd.pid
            SlurmctldLogFile={Dir}/log/slurmctld.log
            SlurmdLogFile={Dir}/log/slurmd.log
            NodeName={host} NodeAddr=127.0.0.1 CPUs={Environment.ProcessorCount} State=UNKNOWN
            PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP

            """);
        daemons.Add(StartDaemon("slurmctld", Which("slurmctld")!, "-D", "-f", Conf));
        daemons.Add(StartDaemon("slurmd", Which("slurmd")!, "-D", "-f", Conf));
        WaitUntil(() => Run("sinfo", "-h", "-o", "%t").Out.Trim() == "idle", TimeSpan.FromSeconds(60), "the node to be idle in sinfo");
    }

    Process StartDaemon(string name, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = false, RedirectStandardError = false, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = Conf;
        // the daemons' console output goes to DIR/NAME.out; keep the test's console quiet
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var log = new StreamWriter(Path.Combine(Dir, name + ".out")) { AutoFlush = true };
        void Append(string? line) { if (line is null) return; lock (log) log.WriteLine(line); }
        p.OutputDataReceived += (_, e) => Append(e.Data);
        p.ErrorDataReceived += (_, e) => Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Thread.Sleep(300);
        if (p.HasExited)
        {
            p.WaitForExit();
            string text;
            lock (log) text = File.ReadAllText(Path.Combine(Dir, name + ".out"));
            throw new InvalidOperationException($"{name} exited at once with {p.ExitCode}: {text.Trim()}");
        }
        return p;
    }

    public sealed record Result(int Code, string Out, string Err)
    {
        public Result EnsureSuccess(string what) =>
            Code == 0 ? this : throw new InvalidOperationException($"{what} exited with {Code}: {Err.Trim()} {Out.Trim()}");
    }

    /// <summary>Runs a program with SLURM_CONF pointing to this cluster (see the overload with extra environment variables).</summary>
    public Result Run(string file, params string[] args) => Run(file, null, args);

    public Result Run(string file, IDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = Conf;
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new Result(p.ExitCode, output, err.Result);
    }

    /// <summary>Waits until no task of the job is queued or running.</summary>
    public void WaitForJob(string jobId, TimeSpan timeout) =>
        WaitUntil(() => Run("squeue", "-h", "-j", jobId).Out.Trim().Length == 0, timeout, $"job {jobId} to end (see {Dir}/log)");

    /// <summary>The state of each task of an array job, by array index, as scontrol shows them (no accounting, so no sacct).</summary>
    public Dictionary<int, string> TaskStates(string jobId)
    {
        var states = new Dictionary<int, string>();
        var text = Run("scontrol", "show", "job", jobId).Out;
        foreach (var record in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? index = null, state = null;
            foreach (var token in record.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.StartsWith("ArrayTaskId=")) index = token["ArrayTaskId=".Length..];
                if (token.StartsWith("JobState=")) state = token["JobState=".Length..];
            }
            if (index is not null && state is not null && int.TryParse(index, out var k)) states[k] = state;
        }
        return states;
    }

    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout.TotalSeconds:F0} s for {what}");
            Thread.Sleep(100);
        }
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string? Which(string tool)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"]);
        return dirs.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    /// <summary>Stops the daemons this instance started, by their process ids, newest first.</summary>
    public void Dispose()
    {
        for (int i = daemons.Count - 1; i >= 0; i--)
        {
            var p = daemons[i];
            try
            {
                if (!p.HasExited)
                {
                    Process.Start("kill", ["-TERM", p.Id.ToString()])?.WaitForExit();
                    if (!p.WaitForExit(10_000)) p.Kill();
                    p.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        daemons.Clear();
        if (Environment.GetEnvironmentVariable("BETTERDEPTH_KEEP_SLURM") is not { Length: > 0 })
            try { Directory.Delete(Dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
