using System.Buffers.Binary;
using System.Net;
using System.Text;
using BetterDepth.Imaging;
using BetterDepth.Tests.Hostile;

namespace BetterDepth.Tests.Serve;

/// <summary>The JSON API of <c>betterdepth serve</c> (docs/serve.md): jobs, outputs, and what it withstands.</summary>
public class ServeApiTests
{
    [Fact]
    public async Task ARealPhotoGoesThroughTheQueueAndItsOutputsReadBack()
    {
        await using var server = await ServeTestServer.StartAsync();
        var id = await server.SubmitAsync(File.ReadAllBytes(ServeTestServer.RealImage), ("ensemble", "2"), ("steps", "1"), ("processing_res", "40"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        var status = await server.WaitForAsync(id, "done", "failed", "cancelled");
        Assert.Equal("done", status.GetProperty("status").GetString());
        Assert.Equal(1.0, status.GetProperty("progress").GetDouble());
        Assert.Equal(40, status.GetProperty("settings").GetProperty("processing_res").GetInt32());
        var outputs = status.GetProperty("outputs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        string[] expected = ["input.png", "prior.npy", "prior.ply", "prior.png", "prior_color.png", "refined.npy", "refined.ply", "refined.png", "refined_color.png",
            "uncertainty.npy", "uncertainty.png", "uncertainty_color.png"];
        Assert.Equal(expected, outputs.Keys.Order(StringComparer.Ordinal).ToArray());

        var folder = TestData.NewTempDir("serve-out");
        foreach (var (name, url) in outputs)
            await File.WriteAllBytesAsync(Path.Combine(folder, name), await server.Client.GetByteArrayAsync(url));
        var refined = DepthFile.ReadNpy(Path.Combine(folder, "refined.npy"), DepthKind.AffineDisparity);
        Assert.Equal((565, 427), (refined.Width, refined.Height));
        Assert.All(refined.Values, v => Assert.InRange(v, 0f, 1f));
        var prior = DepthFile.ReadNpy(Path.Combine(folder, "prior.npy"), DepthKind.AffineDisparity);
        Assert.Equal((0f, 1f), (prior.Values.Min(), prior.Values.Max()));
        var input = ImageFile.ReadRgb(Path.Combine(folder, "input.png"));
        Assert.Equal((565, 427), (input.Width, input.Height));
        Assert.StartsWith("ply", Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(folder, "refined.ply")), 0, 3));

        // ?download names the file for saving
        using var download = await server.Client.GetAsync(outputs["refined.npy"] + "?download");
        Assert.Equal("betterdepth_refined.npy", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task TheRawBodyWithSettingsInTheQueryIsAJobTooAndInfoShowsTheDefaults()
    {
        await using var server = await ServeTestServer.StartAsync();
        using var info = await server.Client.GetAsync("/api/info");
        var json = await ServeTestServer.JsonAsync(info);
        Assert.Equal(48, json.GetProperty("defaults").GetProperty("processing_res").GetInt32());
        Assert.Equal(2, json.GetProperty("defaults").GetProperty("steps").GetInt32());
        Assert.Equal(768, json.GetProperty("colormaps").GetProperty("spectral").GetArrayLength());

        using var response = await server.PostRawAsync(ServeTestServer.SmallPng(), "?steps=1&processing_res=32");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await ServeTestServer.JsonAsync(response)).GetProperty("id").GetString()!;
        var status = await server.WaitForAsync(id, "done", "failed");
        Assert.Equal("done", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("settings").GetProperty("steps").GetInt32());
        Assert.False(status.GetProperty("outputs").TryGetProperty("uncertainty.npy", out _));
    }

    [Fact]
    public async Task HostileUploadsGetAClear4xxAndTheWorkerStaysFree()
    {
        await using var server = await ServeTestServer.StartAsync(s => s with { MaxUploadBytes = 256 * 1024 });
        var png = ServeTestServer.SmallPng();
        var jpeg = File.ReadAllBytes(ServeTestServer.RealImage);
        var hugePng = DecodeLimitTests.PalettePng(11585);            // 16 KB file declaring 134 megapixels
        var hugeJpeg = (byte[])jpeg.Clone();
        SetJpegSize(hugeJpeg, 60000, 60000);
        var cases = new (string What, byte[] Bytes, string Query, HttpStatusCode Status, string Message)[]
        {
            ("text", Encoding.UTF8.GetBytes("hello, this is not an image"), "", HttpStatusCode.UnsupportedMediaType, "not a PNG or JPEG"),
            ("empty", [], "", HttpStatusCode.BadRequest, "empty"),
            ("PNG signature only", png[..8], "", HttpStatusCode.BadRequest, "truncated PNG"),
            ("truncated PNG", png[..(png.Length / 2)], "", HttpStatusCode.BadRequest, "cannot decode"),
            ("truncated JPEG", jpeg[..(jpeg.Length / 3)], "", HttpStatusCode.BadRequest, "cannot decode"),
            ("JPEG header only", jpeg[..4], "", HttpStatusCode.BadRequest, "cannot decode"),
            ("PNG declaring 11585x11585", hugePng, "", HttpStatusCode.UnprocessableEntity, "11585x11585"),
            // (the JPEG reader already refuses a frame that large for so small a file, before the server's pixel limit)
            ("JPEG declaring 60000x60000", hugeJpeg, "", HttpStatusCode.BadRequest, "60000x60000"),
            ("too large", new byte[300 * 1024], "", HttpStatusCode.RequestEntityTooLarge, "larger than this server accepts"),
            ("steps 0", png, "?steps=0", HttpStatusCode.BadRequest, "steps must be"),
            ("ensemble text", png, "?ensemble=many", HttpStatusCode.BadRequest, "ensemble must be"),
            ("resolution too high", png, "?processing_res=100000", HttpStatusCode.BadRequest, "processing_res must be"),
        };
        foreach (var (what, bytes, query, expected, message) in cases)
        {
            using var raw = await server.PostRawAsync(bytes, query);
            var body = await raw.Content.ReadAsStringAsync();
            Assert.True(expected == raw.StatusCode, $"{what}: {(int)raw.StatusCode} {body}");
            Assert.Contains(message, body);
            Assert.Contains("\"error\"", body);
        }
        // The same through multipart, as the page sends them.
        using (var text = await server.PostMultipartAsync(Encoding.UTF8.GetBytes("<svg/>"), "x.png"))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        using (var big = await server.PostMultipartAsync(new byte[300 * 1024], "big.png"))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        using (var bomb = await server.PostMultipartAsync(hugePng, "bomb.png"))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bomb.StatusCode);

        // Mutated PNGs and JPEGs (bit flips, truncations, boundary values in headers): accepted or a 4xx, never a 5xx.
        var rng = new Random(16);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 60; i++)
        {
            var seed = i % 2 == 0 ? png : jpeg;
            var mutated = Mutate(seed, rng);
            using var response = await server.PostRawAsync(mutated, "?steps=1&processing_res=32");
            int code = (int)response.StatusCode;
            Assert.True(code == 202 || code is >= 400 and < 500, $"mutation {i}: {code} {await response.Content.ReadAsStringAsync()}");
            if (code == 202) accepted++; else refused++;
            if (code == 202) await server.WaitForAsync((await ServeTestServer.JsonAsync(response)).GetProperty("id").GetString()!, "done", "failed", "cancelled");
        }
        Assert.True(refused > 0, "no mutation was refused");

        // No worker was left busy: a good image still goes through at once.
        var id = await server.SubmitAsync(png, ("steps", "1"));
        Assert.Equal("done", (await server.WaitForAsync(id, "done", "failed")).GetProperty("status").GetString());
        Assert.Equal((0, 0), (server.Host.Queue.Counts().Waiting, server.Host.Queue.Counts().Running));
    }

    static void SetJpegSize(byte[] jpeg, int width, int height)
    {
        for (int i = 2; i + 9 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), (ushort)width);
                return;
            }
        throw new InvalidOperationException("no SOF marker");
    }

    static byte[] Mutate(byte[] seed, Random rng)
    {
        var bytes = (byte[])seed.Clone();
        switch (rng.Next(4))
        {
            case 0:
                for (int k = 0; k < 1 + rng.Next(8); k++) bytes[rng.Next(8, bytes.Length)] ^= (byte)(1 << rng.Next(8));
                return bytes;
            case 1:
                return bytes[..rng.Next(9, bytes.Length)];
            case 2:
                int at = rng.Next(8, Math.Min(bytes.Length - 4, 200));
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), new uint[] { 0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 65535 }[rng.Next(5)]);
                return bytes;
            default:
                for (int k = 0; k < 64; k++) bytes[rng.Next(8, Math.Min(bytes.Length, 400))] = (byte)rng.Next(256);
                return bytes;
        }
    }

    [Fact]
    public async Task OutputsAreServedOnlyByIssuedJobIdsAndFixedNames()
    {
        await using var server = await ServeTestServer.StartAsync();
        var id = await server.SubmitAsync(ServeTestServer.SmallPng(), ("steps", "1"));
        await server.WaitForAsync(id, "done");
        // A secret beside the work folder and one inside it, outside any job's outputs.
        var work = server.Host.Queue.WorkFolder;
        File.WriteAllText(Path.Combine(work, "secret.txt"), "secret");
        File.WriteAllText(Path.Combine(work, id, "secret.txt"), "secret");
        string[] attempts =
        [
            "/api/jobs/../../etc/passwd", "/api/jobs/..%2F..%2Fetc%2Fpasswd", "/api/jobs/%2e%2e/files/passwd",
            $"/api/jobs/{id}/files/..%2Fsecret.txt", $"/api/jobs/{id}/files/secret.txt", $"/api/jobs/{id}/files/%2Fetc%2Fpasswd",
            $"/api/jobs/{id}/files/..%5C..%5Csecret.txt", $"/api/jobs/{id}/files/refined.npy%00.png", $"/api/jobs/{id}/../secret.txt",
            $"/api/jobs/{id.ToUpperInvariant()}/files/refined.npy", $"/api/jobs/{id[..31]}/files/refined.npy", "/api/jobs/secret.txt",
            "/secret.txt", "/../secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/app.js/..%2F..%2F..%2Fappsettings.json", "/Serve/wwwroot/app.js",
            "/api/jobs/00000000000000000000000000000000/files/refined.npy",
        ];
        foreach (var path in attempts)
        {
            using var response = await server.Client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            // 404 from the server, or 400 from Kestrel itself for paths it will not route (a NUL byte)
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("secret", body);
            Assert.DoesNotContain("root:", body);
        }
        using (var ok = await server.Client.GetAsync($"/api/jobs/{id}/files/refined.npy")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var page = await server.Client.GetAsync("/")) Assert.Contains("BetterDepth", await page.Content.ReadAsStringAsync());
        using (var script = await server.Client.GetAsync("/three.bundle.js")) Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        // Deleting a job removes its files.
        using (var delete = await server.Client.DeleteAsync($"/api/jobs/{id}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(work, id)));
        using (var gone = await server.Client.GetAsync($"/api/jobs/{id}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task TheQueueIsBoundedShowsPositionsAndRunsTheConfiguredNumberAtOnce()
    {
        var prior = new TestPrior();
        prior.Hold();
        await using var server = await ServeTestServer.StartAsync(s => s with { Concurrency = 1, QueueCapacity = 2 }, prior);
        var png = ServeTestServer.SmallPng();
        var first = await server.SubmitAsync(png, ("steps", "1"));
        await server.WaitForAsync(first, "running");
        var second = await server.SubmitAsync(png, ("steps", "1"));
        var third = await server.SubmitAsync(png, ("steps", "1"));
        Assert.Equal(0, (await server.StatusAsync(first)).GetProperty("position").GetInt32());
        Assert.Equal(1, (await server.StatusAsync(second)).GetProperty("position").GetInt32());
        Assert.Equal(2, (await server.StatusAsync(third)).GetProperty("position").GetInt32());
        using (var full = await server.PostRawAsync(png))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Contains("queue is full", await full.Content.ReadAsStringAsync());
            Assert.True(full.Headers.RetryAfter is not null);
        }
        // One at a time: the running job reaches the prior (its state turns "running" just before), the others never do.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (prior.Entered == 0 && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await Task.Delay(200);
        Assert.Equal(1, prior.Entered);
        prior.Release();
        foreach (var id in new[] { first, second, third })
            Assert.Equal("done", (await server.WaitForAsync(id, "done", "failed", "cancelled")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AClientThatLeavesCancelsItsJobAndTheWorkerMovesOn()
    {
        var prior = new TestPrior();
        prior.Hold();
        await using var server = await ServeTestServer.StartAsync(s => s with { Concurrency = 1 }, prior);
        var png = ServeTestServer.SmallPng();
        var running = await server.SubmitAsync(png, ("steps", "1"));
        await server.WaitForAsync(running, "running");
        var waiting = await server.SubmitAsync(png, ("steps", "1"));
        var last = await server.SubmitAsync(png, ("steps", "1"));

        // The page watches its job through server-sent events; closing that stream is the client leaving.
        foreach (var id in new[] { waiting, running })
        {
            using var cts = new CancellationTokenSource();
            using (var events = await server.Client.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token))
            {
                Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
                using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(cts.Token));
                Assert.StartsWith("data: {", await reader.ReadLineAsync(cts.Token));
                cts.Cancel();
            }
            var status = await server.WaitForAsync(id, "cancelled", "done", "failed");
            Assert.Equal("cancelled", status.GetProperty("status").GetString());
            Assert.Contains("left", status.GetProperty("error").GetString());
        }
        prior.Release();
        Assert.Equal("done", (await server.WaitForAsync(last, "done", "failed")).GetProperty("status").GetString());
        Assert.False(Directory.Exists(Path.Combine(server.Host.Queue.WorkFolder, running)));

        // The page's explicit cancel (sendBeacon on leaving) works too.
        prior.Hold();
        var beacon = await server.SubmitAsync(png, ("steps", "1"));
        await server.WaitForAsync(beacon, "running");
        using (var cancel = await server.Client.PostAsync($"/api/jobs/{beacon}/cancel", null)) Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await server.WaitForAsync(beacon, "cancelled", "done")).GetProperty("status").GetString());
        prior.Release();
    }

    [Fact]
    public async Task AJobNobodyAsksAboutIsCancelledAndResultsExpireWithTheirFiles()
    {
        var prior = new TestPrior();
        prior.Hold();
        await using var server = await ServeTestServer.StartAsync(s => s with { ClientTimeout = TimeSpan.FromSeconds(6), ResultLifetime = TimeSpan.FromSeconds(10) }, prior);
        var png = ServeTestServer.SmallPng();
        var blocker = await server.SubmitAsync(png, ("steps", "1"));
        var forgotten = await server.SubmitAsync(png, ("steps", "1"));
        // Only the blocker is polled; the other job's client is gone (the counter is read without touching the job).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (server.Host.Queue.Cancelled == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the forgotten job was never cancelled");
            await server.StatusAsync(blocker);
            await Task.Delay(100);
        }
        // The timeout is far above the polling interval, so a busy machine (the suite runs classes in parallel) cannot
        // stall the blocker's polls long enough to lose it too (3 s once did, under a full suite on 2 cores).
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(5.9), $"cancelled after {clock.Elapsed}");
        var status = await server.StatusAsync(forgotten);
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        Assert.Contains("client left", status.GetProperty("error").GetString());
        Assert.Equal("running", (await server.StatusAsync(blocker)).GetProperty("status").GetString());
        prior.Release();
        // The lifetime leaves a loaded machine time to see the result and its files before they expire.
        await server.WaitForAsync(blocker, "done");
        var folder = Path.Combine(server.Host.Queue.WorkFolder, blocker);
        Assert.True(File.Exists(Path.Combine(folder, "refined.npy")));

        // Its lifetime after finishing, the result and its files are gone.
        clock.Restart();
        while (true)
        {
            using var poll = await server.Client.GetAsync($"/api/jobs/{blocker}");
            if (poll.StatusCode == HttpStatusCode.NotFound) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), "the result never expired");
            await Task.Delay(200);
        }
        Assert.False(Directory.Exists(folder));
        Assert.True(server.Host.Queue.Expired >= 1);
    }

    [Fact]
    public async Task StoppingTheServerDeletesItsWorkFolderAndAKilledServersFolderIsRemovedAtStart()
    {
        var parent = TestData.NewTempDir("serve-parent");
        var leftover = Directory.CreateDirectory(Path.Combine(parent, $"betterdepth-serve-{Refused.DeadPid}-0123abcd", "job")).FullName;
        File.WriteAllText(Path.Combine(leftover, "refined.npy"), "old");
        var server = await ServeTestServer.StartAsync(s => s with { WorkFolder = parent });
        Assert.False(Directory.Exists(Path.GetDirectoryName(leftover)));
        var id = await server.SubmitAsync(ServeTestServer.SmallPng(), ("steps", "1"));
        await server.WaitForAsync(id, "done");
        var work = server.Host.Queue.WorkFolder;
        Assert.True(Directory.Exists(work));
        Assert.StartsWith(server.Settings.WorkFolder!, work);
        await server.DisposeAsync();
        Assert.False(Directory.Exists(work));
    }
}
