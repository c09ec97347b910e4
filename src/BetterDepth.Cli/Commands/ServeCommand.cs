using System.CommandLine;
using BetterDepth.Cli.Serve;
using BetterDepth.Compute;
using BetterDepth.Priors;
using BetterDepth.Refinement;

namespace BetterDepth.Cli.Commands;

/// <summary><c>betterdepth serve</c>: the web page and JSON API (docs/serve.md) over one loaded prior and refiner.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var prior = new Option<string?>("--prior") { Description = "Depth prior: a name (" + string.Join(", ", PriorRegistry.Names) + ") or an ONNX model path (default: the prior the refiner's refiner.json names, else learned)" };
        var refinerPath = new Option<string?>("--refiner") { Description = "Refiner folder (diffusers layout + refiner.json; default: models/refiner)" };
        var steps = new Option<int?>("--steps") { Description = "Default DDIM steps, which the page can change (default: the refiner's, else 2)" };
        var ensemble = new Option<int?>("--ensemble") { Description = "Default ensemble members (default: the refiner's, else 1)" };
        var res = new Option<int?>("--processing-res") { Description = "Default long side at which the refiner runs; frames more elongated than 4:3 keep a 4:3 frame's pixel count (default: the refiner's, else its training resolution, else 768)" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, separated by ';' (loopback by default; 0.0.0.0 exposes the server to the network)", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "Largest upload accepted, in MB", DefaultValueFactory = _ => 20 };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Largest image accepted, in pixels (checked on the header before decoding)", DefaultValueFactory = _ => 25_000_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Refinements running at once", DefaultValueFactory = _ => 1 };
        var queue = new Option<int>("--queue") { Description = "Jobs that may wait; more are refused with 503", DefaultValueFactory = _ => 16 };
        var keep = new Option<double>("--keep-minutes") { Description = "Minutes a finished job's results are kept before they are deleted", DefaultValueFactory = _ => 30 };
        var clientTimeout = new Option<double>("--client-timeout") { Description = "Seconds after which an unfinished job nobody watches or polls is cancelled", DefaultValueFactory = _ => 60 };
        var maxRes = new Option<int>("--max-processing-res") { Description = "Largest processing resolution a request may ask for", DefaultValueFactory = _ => 1024 };
        var workDir = new Option<string?>("--work-dir") { Description = "Folder for the server's job files (a private subfolder is made and removed on exit; default: the temp folder)" };

        var command = new Command("serve", "Serve a web page and JSON API: upload an image, compare prior and refined depth, view it in 3D, download the outputs.")
        {
            prior, refinerPath, steps, ensemble, res, device, urls, maxUpload, maxPixels, concurrency, queue, keep, clientTimeout, maxRes, workDir,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async ct =>
        {
            var refinerFolder = parse.GetValue(refinerPath) ?? ProjectPaths.DefaultRefiner;
            var pipelineOptions = new PipelineOptions
            {
                Prior = parse.GetValue(prior),
                Device = parse.GetValue(device)!,
                Steps = parse.GetValue(steps),
                EnsembleSize = parse.GetValue(ensemble),
                ProcessingResolution = parse.GetValue(res),
            };
            var (priorSpec, defaults) = pipelineOptions.Resolve(RefinerDefaults.Read(refinerFolder));
            var settings = new ServeSettings
            {
                Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxUploadBytes = (long)(parse.GetValue(maxUpload) * 1024 * 1024),
                MaxPixels = parse.GetValue(maxPixels),
                Concurrency = parse.GetValue(concurrency),
                QueueCapacity = parse.GetValue(queue),
                ResultLifetime = TimeSpan.FromMinutes(Positive(parse.GetValue(keep), "--keep-minutes")),
                ClientTimeout = TimeSpan.FromSeconds(Positive(parse.GetValue(clientTimeout), "--client-timeout")),
                MaxProcessingResolution = parse.GetValue(maxRes),
                WorkFolder = parse.GetValue(workDir),
                Defaults = defaults,
                PriorName = priorSpec,
                RefinerName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(refinerFolder))),
                Log = line => Console.Error.WriteLine($"[serve] {line}"),
            };
            settings.Validate();

            TorchDevice.ConfigureThreads();
            using var pipe = BetterDepthPipeline.FromPretrained(refinerFolder, pipelineOptions);
            await using var host = await ServeHost.StartAsync(pipe.Prior, pipe.Refiner, settings, ct);
            foreach (var url in host.Urls) Console.WriteLine($"serving on {url} (prior {settings.PriorName}, refiner {settings.RefinerName}); Ctrl-C stops");
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            Console.Error.WriteLine("[serve] stopping; job files are deleted");
            return 0;
        }, ct));
        return command;
    }

    static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be > 0, got {value}");
}
