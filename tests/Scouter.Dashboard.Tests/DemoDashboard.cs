using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Scouter.Client;
using Scouter.Cli;
using Scouter.Data;
using Scouter.Records;
using Xunit;

[assembly: AssemblyFixture(typeof(Scouter.Dashboard.Tests.DemoDashboard))]

namespace Scouter.Dashboard.Tests;

/// <summary>
/// The dashboard on the demo's data, for every browser test of this assembly: runs
/// <c>scouter demo --keep-running</c> in-process (embedded server, SQLite, the scripted judge — not a
/// model — for the LLM profile), reads the dashboard URL and admin password it prints, then adds
/// through the API what the access and escaping tests need: users with one role on one space, a
/// profile in another space, and a profile whose names and alert payload contain markup. Starts
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/services.sh) through Playwright.
/// </summary>
public sealed partial class DemoDashboard : IAsyncLifetime
{
    public const string DemoSpace = "demo";
    public const string OtherSpace = "other-team";
    public const string Markup = "<img src=x onerror=\"document.title='pwned'\">";
    public const string Password = "a-long-password-1";

    private readonly CancellationTokenSource _stop = new();
    private readonly SnapshotWriter _stdout = new();
    private readonly SnapshotWriter _stderr = new();
    private Task<int>? _demo;

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    public string AdminPassword { get; private set; } = "";

    /// <summary>The bootstrap admin's bearer client at <c>/api/v1/</c>.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The demo's profiles by drift type (psi, spc, custom, llm).</summary>
    public IReadOnlyDictionary<string, Guid> DemoProfiles { get; private set; } = null!;

    /// <summary>A custom profile in <see cref="DemoSpace"/> named <see cref="Markup"/>, with a metric of that name and a firing alert.</summary>
    public Guid MarkupProfile { get; private set; }

    /// <summary>
    /// A PSI profile in <see cref="DemoSpace"/> with a numeric feature named <see cref="Markup"/> and a
    /// categorical feature <c>segment</c> with a category named <see cref="Markup"/>, both drifting, checked once.
    /// </summary>
    public Guid MarkupPsiProfile { get; private set; }

    /// <summary>A custom profile in <see cref="OtherSpace"/> with a firing alert nobody acknowledges.</summary>
    public Guid OtherProfile { get; private set; }

    /// <summary>A custom profile in <see cref="OtherSpace"/> whose alert a test acknowledges.</summary>
    public Guid AckProfile { get; private set; }

    /// <summary>Where screenshots go (under the repository's TestResults/, not committed).</summary>
    public string ScreenshotDir { get; } = FindScreenshotDir();

    public async ValueTask InitializeAsync()
    {
        _demo = Task.Run(() => CliApp.RunAsync(["demo", "--keep-running", "--port", "0", "--inferences", "5000"], _stdout, _stderr, interactive: false, cancellationToken: _stop.Token));
        var started = await WaitForDashboardLineAsync();
        (Url, AdminPassword) = (started.Groups[1].Value, started.Groups[2].Value);
        Admin = new HttpClient { BaseAddress = new Uri(Url + "/api/v1/") };
        var token = await Admin.PostAsJsonAsync("auth/token", new { username = "admin", password = AdminPassword });
        token.EnsureSuccessStatusCode();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());

        using (var client = AdminClient())
        {
            DemoProfiles = (await client.ListProfilesAsync(new ProfileFilter { Space = DemoSpace })).Where(p => p.Active)
                .ToDictionary(p => p.DriftType.ToString().ToLowerInvariant(), p => p.Uid, StringComparer.Ordinal);
        }

        await CreateUserAsync("reader", (DemoSpace, "read"));
        await CreateUserAsync("writer", (DemoSpace, "write"));
        await CreateUserAsync("outsider", (OtherSpace, "write"));
        await CreateUserAsync("throttled", (DemoSpace, "read"));
        OtherProfile = await CustomProfileWithAlertAsync(OtherSpace, "other-model", "latency");
        AckProfile = await CustomProfileWithAlertAsync(OtherSpace, "ack-model", "latency");
        MarkupProfile = await CustomProfileWithAlertAsync(DemoSpace, Markup, Markup);
        MarkupPsiProfile = await PsiProfileWithMarkupAsync();

        // Web-first assertions wait as long as actions do (30 s, BrowserTab): two cores shared with a server are slow at times.
        Assertions.SetDefaultExpectTimeout(30_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // This machine has no network beyond loopback: keep Chromium from trying. It has no GPU either:
            // canvases are drawn by the CPU rasteriser rather than an emulated GPU (several times slower here).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-accelerated-2d-canvas", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        Admin?.Dispose();
        await _stop.CancelAsync();
        if (_demo is not null) await _demo;
        _stop.Dispose();
    }

    private async Task<Match> WaitForDashboardLineAsync()
    {
        var deadline = TimeProvider.System.GetTimestamp() + (5 * 60 * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            var match = DashboardLine().Match(_stdout.Snapshot());
            if (match.Success) return match;
            if (_demo!.IsCompleted || TimeProvider.System.GetTimestamp() > deadline)
                throw new InvalidOperationException($"scouter demo did not print the dashboard line.\nstdout:\n{_stdout.Snapshot()}\nstderr:\n{_stderr.Snapshot()}");
            await Task.WhenAny(_demo, Task.Delay(100));
        }
    }

    private async Task CreateUserAsync(string name, (string Space, string Role) grant)
    {
        using var response = await Admin.PostAsJsonAsync("users", new { name, password = Password, spaces = new Dictionary<string, string> { [grant.Space] = grant.Role } });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A custom profile whose metric is far above its baseline, checked once so it has a firing alert.</summary>
    private async Task<Guid> CustomProfileWithAlertAsync(string space, string name, string metric)
    {
        using var client = AdminClient();
        var profile = await client.RegisterProfileAsync(new CustomDriftProfile(new CustomMetricDriftConfig { Space = space, Name = name, Version = "1.0.0" },
            [new CustomMetric(metric, 1.0, AlertThreshold.Above, 0.5)]), setActive: true);
        var now = TimeProvider.System.GetUtcNow();
        await client.SendBatchAsync(new RecordBatch
        {
            BatchId = Guid.NewGuid(),
            SentAt = now,
            Records = [.. Enumerable.Range(0, 6).Select(i => (DriftRecord)new CustomRecord
            {
                Uid = profile.Config.Uid, CreatedAt = now.AddMinutes(-5 * (i + 1)), Metric = metric, Sum = 3.0 * (i + 2), Count = i + 2,
            })],
        });
        await client.RunDriftCheckAsync(profile.Config.Uid);
        return profile.Config.Uid;
    }

    /// <summary>A PSI profile whose feature and category names are <see cref="Markup"/>, fed drifted values through a <see cref="ScouterQueue"/> and checked.</summary>
    private async Task<Guid> PsiProfileWithMarkupAsync()
    {
        using var client = AdminClient();
        var random = new Random(5);
        const int Rows = 400;
        var table = new ColumnTable.Builder()
            .AddNumeric(Markup, [.. Enumerable.Range(0, Rows).Select(_ => random.NextDouble())])
            .AddCategorical("segment", [.. Enumerable.Range(0, Rows).Select(i => i % 4 == 0 ? Markup : "plain")])
            .Build();
        var profile = await client.RegisterProfileAsync(Drifter.CreatePsiProfile(table, new PsiDriftConfig
        {
            Space = DemoSpace, Name = "markup-psi", Version = "1.0.0", CategoricalFeatures = ["segment"],
        }), setActive: true);
        await using (var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile },
            new HttpTransport(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword })))
        {
            for (var i = 0; i < Rows; i++)
                queue["psi"].Insert(new Features(new Dictionary<string, object?> { [Markup] = 0.5 + random.NextDouble(), ["segment"] = i % 4 == 0 ? "plain" : Markup }));
            await queue.FlushAsync();
        }
        await client.RunDriftCheckAsync(profile.Config.Uid);
        return profile.Config.Uid;
    }

    /// <summary>The typed API client, as the bootstrap admin.</summary>
    public ScouterClient AdminClient() => new(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword });

    private static string FindScreenshotDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scouter.slnx"))) return Directory.CreateDirectory(Path.Combine(dir.FullName, "TestResults", "dashboard")).FullName;
        }
        return Directory.CreateTempSubdirectory("scouter-dashboard-").FullName;
    }

    [GeneratedRegex(@"Dashboard:\s+(http://[^\s/]+)/ui/\s+\(user\s+admin,\s+password\s+([0-9A-Fa-f]+)\)")]
    private static partial Regex DashboardLine();

    /// <summary>A text writer the demo writes to while the fixture reads it.</summary>
    private sealed class SnapshotWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock) base.Write(value);
        }

        public override void Write(string? value)
        {
            lock (_lock) base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock) base.Write(buffer, index, count);
        }

        public string Snapshot()
        {
            lock (_lock) return ToString();
        }
    }
}
