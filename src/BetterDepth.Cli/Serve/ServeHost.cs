using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BetterDepth.Imaging;
using BetterDepth.Priors;
using BetterDepth.Refinement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BetterDepth.Cli.Serve;

/// <summary>
/// The web server of <c>betterdepth serve</c>: the page (static files from Serve/wwwroot, each mapped by name at start-up)
/// and the JSON API of docs/serve.md. Files are served only as (server-issued job id, fixed output name) pairs looked up
/// in memory; nothing a client sends becomes part of a path.
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    const string UploadName = "upload";

    readonly WebApplication app;
    readonly SemaphoreSlim decodeGate = new(Math.Max(1, Math.Min(4, Environment.ProcessorCount)));
    public JobQueue Queue { get; }
    /// <summary>The addresses actually bound (with the port chosen when asked for port 0).</summary>
    public IReadOnlyList<string> Urls { get; private set; } = [];
    public string Url => Urls[0];

    ServeHost(WebApplication app, JobQueue queue)
    {
        this.app = app;
        Queue = queue;
    }

    public static async Task<ServeHost> StartAsync(IDepthPrior prior, RefinerModel refiner, ServeSettings settings, CancellationToken ct = default)
    {
        settings.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (settings.Log is not null) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k =>
        {
            // multipart framing on top of the file; the file's own limit is checked exactly below
            k.Limits.MaxRequestBodySize = settings.MaxUploadBytes + 64 * 1024;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Services.Configure<FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = settings.MaxUploadBytes + 64 * 1024;
            o.ValueCountLimit = 64;
            o.MultipartHeadersLengthLimit = 16 * 1024;
        });
        var app = builder.Build();
        var queue = new JobQueue(prior, refiner, settings);
        var host = new ServeHost(app, queue);
        host.Map(settings, prior);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await queue.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }
        host.Urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [.. settings.Urls];
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        // Jobs and their files first (cancelled jobs also end their event streams), then the web server.
        await Queue.DisposeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }

    static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    void Map(ServeSettings settings, IDepthPrior prior)
    {
        // Anything unexpected in a request becomes a 500 with a JSON body; the server goes on.
        app.Use(async (context, next) =>
        {
            try { await next(context); }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                settings.Log?.Invoke($"{context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
                context.Response.Clear();
                await Error(StatusCodes.Status500InternalServerError, "internal error: " + e.Message).ExecuteAsync(context);
            }
        });

        foreach (var (route, file, type) in StaticFiles())
            app.MapGet(route, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                return Results.File(file, type);
            });

        var info = InfoJson(settings, prior);
        app.MapGet("/api/info", () => Results.Text(info, "application/json"));
        app.MapPost("/api/jobs", (Delegate)((HttpContext context) => Submit(context, settings)));
        app.MapGet("/api/jobs/{id}", (string id) => Queue.Find(id) is { } job ? Results.Json(Status(job), Json) : NotFound());
        app.MapGet("/api/jobs/{id}/events", (HttpContext context, string id) => Events(context, id));
        app.MapDelete("/api/jobs/{id}", (string id) => Delete(id));
        // navigator.sendBeacon can only POST: the page cancels its job this way when it is closed.
        app.MapPost("/api/jobs/{id}/cancel", (string id) => Queue.Find(id) is { } job ? Results.Json(new { cancelled = Queue.Cancel(job, "cancelled by the client") }, Json) : NotFound());
        app.MapGet("/api/jobs/{id}/files/{name}", (HttpContext context, string id, string name) =>
        {
            if (Queue.Find(id) is not { } job) return NotFound();
            if (!job.Files.TryGetValue(name, out var path) || !File.Exists(path))
                return Error(StatusCodes.Status404NotFound, job.State == JobState.Done ? "the job has no output of that name (see its status for the list)" : "the job has no outputs (yet)");
            bool download = context.Request.Query.ContainsKey("download");
            return Results.File(path, ContentType(name), download ? $"betterdepth_{name}" : null);
        });
        app.MapFallback((HttpContext context) => Error(StatusCodes.Status404NotFound, "no such page or API route"));
    }

    static IResult NotFound() => Error(StatusCodes.Status404NotFound, "no such job (unknown id, or its results expired)");

    IResult Delete(string id)
    {
        if (Queue.Find(id) is not { } job) return NotFound();
        Queue.Remove(job);
        return Results.NoContent();
    }

    /// <summary>The page's files: wwwroot next to the binary (copied at build), else the source folder.</summary>
    static IEnumerable<(string Route, string File, string Type)> StaticFiles()
    {
        var root = new[] { Path.Combine(AppContext.BaseDirectory, "Serve", "wwwroot"), Path.Combine(ProjectPaths.Root, "src", "BetterDepth.Cli", "Serve", "wwwroot") }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "index.html")))
            ?? throw new FileNotFoundException("the serve page's files (Serve/wwwroot/index.html) are missing next to the binary and in the source tree");
        foreach (var file in Directory.GetFiles(root))
        {
            var name = Path.GetFileName(file);
            var type = ContentType(name);
            yield return ("/" + name, file, type);
            if (name == "index.html") yield return ("/", file, type);
        }
    }

    static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".ply" => "application/octet-stream",
        _ => "application/octet-stream",
    };

    static string InfoJson(ServeSettings settings, IDepthPrior prior)
    {
        var maps = new JsonObject();
        foreach (var map in Enum.GetValues<ColorMap>())
        {
            var lut = new JsonArray();
            for (int i = 0; i < 256; i++)
            {
                var (r, g, b) = ColorMaps.Lookup(map, i / 255.0);
                lut.Add(r); lut.Add(g); lut.Add(b);
            }
            maps[map.ToString().ToLowerInvariant()] = lut;
        }
        var d = settings.Defaults;
        var json = new JsonObject
        {
            ["prior"] = settings.PriorName.Length > 0 ? settings.PriorName : prior.Name,
            ["refiner"] = settings.RefinerName,
            ["defaults"] = new JsonObject { ["steps"] = d.Steps, ["ensemble"] = d.EnsembleSize, ["processing_res"] = d.ProcessingResolution },
            ["limits"] = new JsonObject
            {
                ["max_upload_bytes"] = settings.MaxUploadBytes,
                ["max_pixels"] = settings.MaxPixels,
                ["max_steps"] = settings.MaxSteps,
                ["max_ensemble"] = settings.MaxEnsemble,
                ["max_processing_res"] = settings.MaxProcessingResolution,
                ["concurrency"] = settings.Concurrency,
                ["queue_capacity"] = settings.QueueCapacity,
                ["result_lifetime_seconds"] = settings.ResultLifetime.TotalSeconds,
                ["client_timeout_seconds"] = settings.ClientTimeout.TotalSeconds,
            },
            ["colormaps"] = maps,
        };
        return json.ToJsonString();
    }

    object Status(Job job)
    {
        var outputs = job.State == JobState.Done
            ? job.Files.Keys.Order(StringComparer.Ordinal).ToDictionary(n => n, n => $"/api/jobs/{job.Id}/files/{n}")
            : null;
        return new
        {
            id = job.Id,
            status = job.State.ToString().ToLowerInvariant(),
            position = Queue.Position(job),
            progress = Math.Round(job.Progress, 3),
            error = job.Error,
            width = job.Width,
            height = job.Height,
            settings = new { steps = job.Options.Steps, ensemble = job.Options.EnsembleSize, processing_res = job.Options.ProcessingResolution },
            seconds = job.Seconds is { } s ? Math.Round(s, 3) : (double?)null,
            outputs,
        };
    }

    /// <summary>POST /api/jobs: multipart (field "image") or the raw image as the body; settings as form fields or query parameters.</summary>
    async Task<IResult> Submit(HttpContext context, ServeSettings settings)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        if (request.ContentLength is long declared && declared > settings.MaxUploadBytes + 64 * 1024)
            return TooLarge(settings);
        byte[] bytes;
        Func<string, string?> field;
        try
        {
            if (request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
            {
                var form = await request.ReadFormAsync(ct);
                var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault();
                if (file is null) return Error(StatusCodes.Status400BadRequest, "no image: send it as the multipart field 'image' or as the request body");
                if (file.Length > settings.MaxUploadBytes) return TooLarge(settings);
                bytes = new byte[file.Length];
                await using (var s = file.OpenReadStream()) await s.ReadExactlyAsync(bytes, ct);
                field = name => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : request.Query.TryGetValue(name, out var q) ? q[0] : null;
            }
            else
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int n;
                while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
                {
                    if (buffer.Length + n > settings.MaxUploadBytes) return TooLarge(settings);
                    buffer.Write(chunk, 0, n);
                }
                bytes = buffer.ToArray();
                field = name => request.Query.TryGetValue(name, out var q) ? q[0] : null;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(settings); }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)) { return TooLarge(settings); }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            return Error(StatusCodes.Status400BadRequest, "could not read the upload: " + OneLine.Escape(e.Message));
        }
        if (bytes.Length == 0) return Error(StatusCodes.Status400BadRequest, "no image: the upload is empty");

        RefinementOptions options;
        try { options = ReadOptions(field, settings); }
        catch (ArgumentException e) { return Error(StatusCodes.Status400BadRequest, e.Message); }

        // What the file is follows from its bytes, never from its name or declared type.
        if (!ImageFile.HasImageSignature(bytes))
            return Error(StatusCodes.Status415UnsupportedMediaType, "not a PNG or JPEG image");
        RgbImage image;
        try
        {
            var (w, h) = ImageFile.DeclaredSize(bytes, UploadName);
            if ((long)w * h > settings.MaxPixels)
                return Error(StatusCodes.Status422UnprocessableEntity, $"image size {w}x{h} ({(long)w * h} pixels) is larger than this server accepts ({settings.MaxPixels} pixels)");
            // Decoding is bounded like refining: many large uploads at once would otherwise each hold a decoded copy.
            await decodeGate.WaitAsync(ct);
            try { image = await Task.Run(() => ImageFile.DecodeRgb(bytes, UploadName), ct); }
            finally { decodeGate.Release(); }
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e)
        {
            // Corrupt, truncated or hostile files: the decoders refuse them with a message; anything else they throw is still the file's fault.
            var message = e is InvalidFileException f ? f.Problem : e.Message;
            return Error(StatusCodes.Status400BadRequest, "cannot decode the image: " + OneLine.Escape(message));
        }

        switch (Queue.TryEnqueue(image, options, out var job))
        {
            case EnqueueResult.QueueFull:
                context.Response.Headers.RetryAfter = "5";
                return Error(StatusCodes.Status503ServiceUnavailable, $"the queue is full ({settings.QueueCapacity} waiting); try again shortly");
            case EnqueueResult.ShuttingDown:
                return Error(StatusCodes.Status503ServiceUnavailable, "the server is shutting down");
        }
        return Results.Json(Status(job!), Json, statusCode: StatusCodes.Status202Accepted);
    }

    static IResult TooLarge(ServeSettings settings) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"the upload is larger than this server accepts ({settings.MaxUploadBytes / (1024.0 * 1024):0.##} MB)");

    static RefinementOptions ReadOptions(Func<string, string?> field, ServeSettings settings)
    {
        int Read(string name, int fallback, int min, int max)
        {
            var text = field(name);
            if (string.IsNullOrWhiteSpace(text)) return fallback;
            if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new ArgumentException($"{name} must be a whole number from {min} to {max}, got '{OneLine.Escape(text.Length > 40 ? text[..40] + "..." : text)}'");
            return v;
        }
        var d = settings.Defaults;
        return d with
        {
            Steps = Read("steps", d.Steps, 1, settings.MaxSteps),
            EnsembleSize = Read("ensemble", d.EnsembleSize, 1, settings.MaxEnsemble),
            ProcessingResolution = Read("processing_res", Math.Min(d.ProcessingResolution, settings.MaxProcessingResolution), 16, settings.MaxProcessingResolution),
            Seed = Read("seed", (int)Math.Clamp(d.Seed, 0, int.MaxValue), 0, int.MaxValue),
        };
    }

    /// <summary>
    /// Server-sent events for one job: its status whenever it changes, until it finishes. The page watches its job this
    /// way; when the last watcher of an unfinished job disconnects, the client has left and the job is cancelled.
    /// </summary>
    async Task Events(HttpContext context, string id)
    {
        if (Queue.Find(id) is not { } job)
        {
            await NotFound().ExecuteAsync(context);
            return;
        }
        var ct = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        Queue.Watch(job);
        bool finished = false;
        try
        {
            string last = "";
            var idle = System.Diagnostics.Stopwatch.StartNew();
            while (!ct.IsCancellationRequested)
            {
                finished = job.IsFinished;
                var json = JsonSerializer.Serialize(Status(job), Json);
                if (json != last)
                {
                    await context.Response.WriteAsync($"data: {json}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                    last = json;
                    idle.Restart();
                }
                else if (idle.Elapsed > TimeSpan.FromSeconds(15))
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                    idle.Restart();
                }
                if (finished) break;
                job.Touch();
                await Task.Delay(100, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
        finally
        {
            Queue.Unwatch(job, clientLeft: !finished);
        }
    }
}
