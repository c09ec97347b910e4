using Xunit.Abstractions;
using System.Text.Json;

namespace BetterDepth.Tests.Serve;

/// <summary>
/// The serve page in Debian's chromium (playwright-core, web/tests/page.e2e.mjs) and the load test from a second
/// process (bench/serve-load.mjs), both against a server in this process on a free loopback port. node, playwright-core
/// and chromium are installed by scripts/setup-browser.sh when missing (test.sh runs it first); never skipped.
/// </summary>
public class ServeBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APersonUploadsAPhotoComparesRotatesAndDownloadsInChromium()
    {
        await using var server = await ServeTestServer.StartAsync();
        var folder = TestData.NewTempDir("serve-e2e");
        var (code, log) = await Task.Run(() => ServeTestServer.RunNode(TimeSpan.FromMinutes(8),
            Path.Combine("web", "tests", "page.e2e.mjs"), "--url", server.Url, "--image", ServeTestServer.RealImage, "--out", folder,
            "--res", "48", "--chromium", NodeTools.Chromium));
        output.WriteLine(log);
        Assert.True(code == 0, log);
        Assert.Contains("passed: all checks", log);
        foreach (var shot in new[] { "prior-canvas.png", "refined-canvas.png", "view3d.png", "wipe.png", "page.png" })
            Assert.True(new FileInfo(Path.Combine(folder, shot)).Length > 1000, shot);
        // The page's job, and the one it was refused, left the server idle.
        Assert.Equal((0, 0), (server.Host.Queue.Counts().Waiting, server.Host.Queue.Counts().Running));
    }

    [Fact]
    public async Task ALoadTestFromASecondProcessLosesNoJobAndRejectsTheOverflow()
    {
        await using var server = await ServeTestServer.StartAsync(s => s with { Concurrency = 2, QueueCapacity = 3 });
        var json = Path.Combine(TestData.NewTempDir("serve-load"), "load.json");
        var (code, log) = await Task.Run(() => ServeTestServer.RunNode(TimeSpan.FromMinutes(5),
            Path.Combine("bench", "serve-load.mjs"), "--url", server.Url, "--image", ServeTestServer.RealImage,
            "--n", "24", "--concurrency", "12", "--res", "64", "--steps", "4", "--ensemble", "2", "--timeout", "240", "--json", json));
        output.WriteLine(log);
        Assert.True(code == 0, log);
        var summary = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        int Get(string name) => summary.GetProperty(name).GetInt32();
        Assert.Equal(24, Get("uploads"));
        Assert.Equal(0, Get("errors"));
        Assert.Equal(0, Get("lost"));
        Assert.Equal(0, Get("failed"));
        Assert.True(Get("done") > 0, log);
        Assert.True(Get("rejected") > 0, "12 clients against 2 running + 3 waiting should see the queue full: " + log);
        Assert.Equal(24, Get("done") + Get("rejected") + Get("cancelled"));
        Assert.Equal((0, 0), (server.Host.Queue.Counts().Waiting, server.Host.Queue.Counts().Running));
    }
}
