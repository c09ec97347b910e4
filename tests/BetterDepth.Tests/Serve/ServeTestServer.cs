using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using BetterDepth.Cli.Serve;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using BetterDepth.Tests.Refinement;

namespace BetterDepth.Tests.Serve;

/// <summary>
/// A <c>betterdepth serve</c> host on a free loopback port with a tiny untrained refiner (built here, so the tests do not
/// depend on the shipped weights) and a test prior, at a small processing resolution so jobs take well under a second.
/// </summary>
public sealed class ServeTestServer : IAsyncDisposable
{
    public ServeHost Host { get; }
    public HttpClient Client { get; }
    public string Url => Host.Url;
    public ServeSettings Settings { get; }
    readonly RefinerModel refiner;
    readonly IDepthPrior prior;

    ServeTestServer(ServeHost host, ServeSettings settings, RefinerModel refiner, IDepthPrior prior)
    {
        Host = host;
        Settings = settings;
        this.refiner = refiner;
        this.prior = prior;
        Client = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(120) };
    }

    public static async Task<ServeTestServer> StartAsync(Func<ServeSettings, ServeSettings>? adjust = null, IDepthPrior? prior = null)
    {
        var settings = new ServeSettings
        {
            Urls = ["http://127.0.0.1:0"],
            WorkFolder = TestData.NewTempDir("serve"),
            MaxUploadBytes = 2L << 20,
            MaxPixels = 4_000_000,
            Defaults = new RefinementOptions { Steps = 2, EnsembleSize = 1, ProcessingResolution = 48 },
            MaxProcessingResolution = 256,
            MaxEnsemble = 4,
            MaxSteps = 10,
            PriorName = "test ramp",
            RefinerName = "tiny (untrained)",
        };
        settings = adjust?.Invoke(settings) ?? settings;
        prior ??= new TestPrior();
        var refiner = RefinementTestModels.Tiny();
        var host = await ServeHost.StartAsync(prior, refiner, settings);
        return new ServeTestServer(host, settings, refiner, prior);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        refiner.Dispose();
        prior.Dispose();
    }

    public static string RealImage => TestData.Real("nyu-crop", "rgb.jpg");

    public static byte[] SmallPng(int width = 40, int height = 30)
    {
        var path = Path.Combine(TestData.NewTempDir("serve-png"), "small.png");
        ImageFile.WritePng(path, RefinementTestModels.Image(width, height));
        return File.ReadAllBytes(path);
    }

    /// <summary>POSTs an image as multipart (field "image") with the given settings.</summary>
    public async Task<HttpResponseMessage> PostMultipartAsync(byte[] bytes, string fileName = "image.png", params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return await Client.PostAsync("/api/jobs", form);
    }

    /// <summary>POSTs an image as the raw request body; settings in the query.</summary>
    public async Task<HttpResponseMessage> PostRawAsync(byte[] bytes, string query = "")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await Client.PostAsync("/api/jobs" + query, content);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Submits and returns the job id, asserting 202.</summary>
    public async Task<string> SubmitAsync(byte[] bytes, params (string Name, string Value)[] fields)
    {
        using var response = await PostMultipartAsync(bytes, "image.png", fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> StatusAsync(string id)
    {
        using var response = await Client.GetAsync($"/api/jobs/{id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await JsonAsync(response);
    }

    /// <summary>Polls the job until its status is one of <paramref name="states"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string id, params string[] states)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync(id);
            if (states.Contains(status.GetProperty("status").GetString())) return status;
            if (clock.Elapsed > TimeSpan.FromSeconds(120)) Assert.Fail($"job {id} never reached {string.Join("/", states)}: {status}");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs a node script from the repository (the browser and load tests' second process) and returns its exit code and output.</summary>
    public static (int Code, string Output) RunNode(TimeSpan timeout, params string[] args)
    {
        NodeTools.Ensure();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestData.RepoRoot };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {string.Join(' ', args)} did not finish in {timeout}: {stdout.Result}{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>Makes sure node, playwright-core (web/node_modules) and chromium are there, installing them when not (never skipping).</summary>
public static class NodeTools
{
    static readonly Lazy<bool> Ready = new(() =>
    {
        bool present = File.Exists(Path.Combine(TestData.RepoRoot, "web", "node_modules", "playwright-core", "package.json"))
            && File.Exists(Chromium) && OnPath("node");
        if (present) return true;
        var setup = new ProcessStartInfo("bash") { WorkingDirectory = TestData.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        setup.ArgumentList.Add(Path.Combine(TestData.RepoRoot, "scripts", "setup-browser.sh"));
        using var p = Process.Start(setup)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "scripts/setup-browser.sh failed: " + output);
        return true;
    });

    public static string Chromium => Environment.GetEnvironmentVariable("BETTERDEPTH_CHROMIUM") ?? "/usr/bin/chromium";

    public static void Ensure() => _ = Ready.Value;

    static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, name)));
}

/// <summary>
/// A thread-safe prior with a known output (disparity growing towards the bottom, plus a bump), that can be held shut
/// so tests see jobs queued and running: <see cref="Hold"/> makes every prediction wait until <see cref="Release"/>.
/// </summary>
public sealed class TestPrior : IDepthPrior
{
    readonly ManualResetEventSlim open = new(true);
    int entered;
    public string Name => "test";
    public DepthKind OutputKind => DepthKind.AffineDisparity;
    public int Entered => Volatile.Read(ref entered);

    public void Hold() => open.Reset();
    public void Release() => open.Set();

    public DepthMap Predict(RgbImage image, CancellationToken ct = default)
    {
        Interlocked.Increment(ref entered);
        open.Wait(ct);
        var v = new float[image.Width * image.Height];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double dx = x - image.Width / 2.0, dy = y - image.Height / 2.0;
                v[y * image.Width + x] = (float)(y / (double)image.Height + 0.5 * Math.Exp(-(dx * dx + dy * dy) / (0.05 * image.Width * image.Width)));
            }
        return new DepthMap(image.Width, image.Height, DepthKind.AffineDisparity, v);
    }

    public void Dispose() => open.Dispose();
}
