using System.Diagnostics;
using BetterDepth.Fuzz;
using SharpFuzz;

// BetterDepth.Fuzz: coverage-guided fuzzing of the file readers and config parsers with SharpFuzz (see docs/reliability.md).
//   BetterDepth.Fuzz TARGET                 under libFuzzer (scripts/fuzz.sh starts it through fuzz/driver) or afl-fuzz
//   BetterDepth.Fuzz replay TARGET PATH...  runs files or folders of inputs once, counts outcomes, exits 1 on a crash
//   BetterDepth.Fuzz seeds CORPUS_DIR       writes the seed corpus
//   BetterDepth.Fuzz list                   the targets
static string RepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BetterDepth.slnx"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

switch (args)
{
    case ["list"]:
        foreach (var t in Targets.All) Console.WriteLine($"{t.Name,-14} {t.Description}");
        return 0;
    case ["seeds", var corpus]:
        Seeds.Write(corpus, RepoRoot());
        Console.WriteLine($"seed corpus written to {corpus}");
        return 0;
    case ["replay", var name, .. var paths]:
    {
        var target = Targets.Find(name);
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order().ToList();
        int accepted = 0, refused = 0, crashed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var file in files)
        {
            try
            {
                if (Targets.Run(target, File.ReadAllBytes(file)) == Outcome.Accepted) accepted++; else refused++;
            }
            catch (FuzzCrash e)
            {
                crashed++;
                Console.Error.WriteLine($"CRASH {file}: {e.Message}\n  {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
            }
        }
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"{name}: {files.Count} inputs, {accepted} accepted, {refused} refused, {crashed} crashed, {clock.Elapsed.TotalSeconds:F1} s, peak RSS {self.PeakWorkingSet64 >> 20} MB");
        return crashed == 0 ? 0 : 1;
    }
    case [var name] when Targets.All.Any(t => t.Name == name):
    {
        var target = Targets.Find(name);
        Action<byte[]> one = bytes =>
        {
            try { Targets.Run(target, bytes); }
            catch (FuzzCrash e)
            {
                Console.Error.WriteLine($"CRASH ({name}): {e.Message}\n{e.InnerException}");
                throw;
            }
        };
        if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
            Fuzzer.LibFuzzer.Run(span => one(span.ToArray()));
        else
            Fuzzer.Run(stream => { var m = new MemoryStream(); stream.CopyTo(m); one(m.ToArray()); });
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: BetterDepth.Fuzz list | seeds CORPUS_DIR | replay TARGET PATH... | TARGET (under libFuzzer or afl-fuzz)");
        return 2;
}
