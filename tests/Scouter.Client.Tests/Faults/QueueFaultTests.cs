using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Scouter.Server;
using Xunit;

namespace Scouter.Client.Tests.Faults;

/// <summary>
/// Delivery guarantees of <see cref="ScouterQueue"/> over <see cref="HttpTransport"/> against a real
/// server process (SQLite in a temp dir): outages, 429/503 with Retry-After, lost acknowledgements
/// (server duplicates), graceful shutdown and buffer overflow. Every insert must end up stored exactly
/// once or be counted as dropped; the stored counts are read from the database file itself.
/// </summary>
[Collection(nameof(QueueFaultTests))]
public sealed class QueueFaultTests
{
    private const string Space = "faults";
    private const int PsiCutEvery = 1_000;
    private static readonly string[] FeatureNames = ["age", "income"];

    // Ten shapes, reused (Features is immutable): "age" is missing in one of ten, so the missing bin is exercised.
    private static readonly Features[] Variants = [.. Enumerable.Range(0, 10).Select(i => new Features(i == 0
        ? new Dictionary<string, object?> { ["income"] = 20.0 + i }
        : new Dictionary<string, object?> { ["age"] = 20.0 + (i * 5), ["income"] = 10.0 + (i * 9) }))];

    [Fact]
    public async Task ServerDown30Seconds_DuringInserts_EverythingStoredExactlyOnce()
    {
        const int total = 100_000;
        var ct = TestContext.Current.CancellationToken;
        await using var env = await FaultEnvironment.StartAsync(ct);
        var (profile, key) = await env.SetUpAsync("outage", ct);
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile },
            new HttpTransport(new ScouterClientOptions { ServerUri = env.Url, ApiKey = key, Timeout = TimeSpan.FromSeconds(10) }),
            new ScouterQueueOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(2), RandomSeed = 1 });

        var clock = Stopwatch.StartNew();
        var inserting = InsertPacedAsync(queue["psi"], total, perSecond: 3_000, ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        await env.KillAsync();
        var killedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(30), ct);
        await env.RestartAsync(ct);
        var upAgainAt = clock.Elapsed;
        await inserting;
        var insertedAt = clock.Elapsed;
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));
        var doneAt = clock.Elapsed;

        var stats = queue.Statistics;
        Log($"killed at {killedAt.TotalSeconds:F1} s, up again at {upAgainAt.TotalSeconds:F1} s, inserts done at {insertedAt.TotalSeconds:F1} s, "
            + $"drained at {doneAt.TotalSeconds:F1} s; retries {stats.Retries}, batches sent {stats.BatchesSent}, records sent {stats.RecordsSent}");
        Assert.Equal(total, stats.Inserted);
        Assert.True(stats.Retries > 0, "the outage should have caused retries");
        AssertNothingDropped(stats);
        Assert.Equal(0, stats.Buffered);
        Assert.Equal(stats.BatchesSent * FeatureNames.Length, stats.RecordsSent); // interval cuts may add partial batches
        AssertStoredExactly(env.StoredCounts(profile.Config.Uid), total);
    }

    [Fact]
    public async Task Intermittent429And503_AndLostAcknowledgements_StoredEqualsInserted()
    {
        const int total = 20_000;
        var ct = TestContext.Current.CancellationToken;
        await using var env = await FaultEnvironment.StartAsync(ct);
        var (profile, key) = await env.SetUpAsync("flaky", ct);
        await using var proxy = await FlakyProxy.StartAsync(env.Url, seed: 7);
        // A short flush interval cuts many small batches, so that many requests meet the proxy's faults.
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile },
            new HttpTransport(new ScouterClientOptions { ServerUri = proxy.Url, ApiKey = key }),
            new ScouterQueueOptions
            {
                FlushInterval = TimeSpan.FromMilliseconds(100),
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromSeconds(1),
                RandomSeed = 2,
            });

        var clock = Stopwatch.StartNew();
        await InsertPacedAsync(queue["psi"], total, perSecond: 4_000, ct);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        var stats = queue.Statistics;
        Log($"{clock.Elapsed.TotalSeconds:F1} s; proxy: {proxy.Requests} requests, {proxy.TooManyRequests} x 429, {proxy.Unavailable} x 503, "
            + $"{proxy.StoredThenFailed} stored-then-503, {proxy.Duplicates} duplicates acknowledged; queue: retries {stats.Retries}, batches sent {stats.BatchesSent}");
        Assert.Equal(total, stats.Inserted);
        AssertNothingDropped(stats);
        Assert.True(proxy.TooManyRequests > 0 && proxy.Unavailable > 0 && proxy.StoredThenFailed > 0, "every kind of fault should have happened");
        Assert.Equal(proxy.TooManyRequests + proxy.Unavailable + proxy.StoredThenFailed, stats.Retries);
        // Every batch whose acknowledgement was lost came back and was recognised as a duplicate.
        Assert.Equal(proxy.StoredThenFailed, proxy.Duplicates);
        AssertStoredExactly(env.StoredCounts(profile.Config.Uid), total);
    }

    [Fact]
    public async Task ShutdownWithPendingData_DeliversEverythingWithinTimeout()
    {
        const int total = 50_500; // not a multiple of the cut size: the final partial batch must go too
        var ct = TestContext.Current.CancellationToken;
        await using var env = await FaultEnvironment.StartAsync(ct);
        var (profile, key) = await env.SetUpAsync("shutdown", ct);
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile },
            new HttpTransport(new ScouterClientOptions { ServerUri = env.Url, ApiKey = key }));

        var psi = queue["psi"];
        for (var i = 0; i < total; i++) psi.Insert(Variants[i % Variants.Length]);
        var clock = Stopwatch.StartNew();
        await queue.ShutdownAsync(TimeSpan.FromSeconds(10));
        var shutdown = clock.Elapsed;

        var stats = queue.Statistics;
        Log($"shutdown took {shutdown.TotalMilliseconds:F0} ms; batches sent {stats.BatchesSent}, retries {stats.Retries}");
        Assert.True(shutdown < TimeSpan.FromSeconds(10), $"shutdown took {shutdown}");
        Assert.Equal(total, stats.Inserted);
        AssertNothingDropped(stats);
        Assert.Equal(0, stats.Buffered);
        Assert.Equal((total / PsiCutEvery) + 1, stats.BatchesSent);
        AssertStoredExactly(env.StoredCounts(profile.Config.Uid), total);
    }

    [Fact]
    public async Task BufferOverflow_WhileServerDown_DropsAreCountedExactly()
    {
        const int delivered = 10_000;
        const int piledUp = 20_000;
        const int capacity = 5;
        var ct = TestContext.Current.CancellationToken;
        await using var env = await FaultEnvironment.StartAsync(ct);
        var (profile, key) = await env.SetUpAsync("overflow", ct);
        // No interval cuts: every batch holds exactly 1 000 inserts, so drops convert to inserts exactly.
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile },
            new HttpTransport(new ScouterClientOptions { ServerUri = env.Url, ApiKey = key, Timeout = TimeSpan.FromSeconds(5) }),
            new ScouterQueueOptions
            {
                MaxBufferedBatches = capacity,
                FlushInterval = TimeSpan.FromMinutes(10),
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(500),
                RandomSeed = 3,
            });
        var psi = queue["psi"];

        // Phase 1, server up: delivered batch by batch (inserting faster than one sender delivers would overflow the small buffer already).
        for (var i = 0; i < delivered; i++)
        {
            psi.Insert(Variants[i % Variants.Length]);
            if ((i + 1) % PsiCutEvery == 0) await queue.FlushAsync(ct);
        }
        Assert.Equal(0, queue.Statistics.Dropped["buffer_full"].Batches);

        // Phase 2, server down for the whole insert phase and the shutdown: batches pile up beyond the buffer.
        await env.KillAsync();
        for (var i = 0; i < piledUp; i++) psi.Insert(Variants[i % Variants.Length]);
        var clock = Stopwatch.StartNew();
        await queue.ShutdownAsync(TimeSpan.FromSeconds(2));
        var shutdown = clock.Elapsed;
        await env.RestartAsync(ct);

        var stats = queue.Statistics;
        var bufferFull = stats.Dropped["buffer_full"];
        var timedOut = stats.Dropped["shutdown_timeout"];
        Log($"shutdown took {shutdown.TotalMilliseconds:F0} ms; sent {stats.BatchesSent} batches, dropped buffer_full {bufferFull}, "
            + $"shutdown_timeout {timedOut}, retries {stats.Retries}");
        Assert.Equal(delivered + piledUp, stats.Inserted);
        // While the server was down every batch beyond the buffer's capacity pushed out the oldest one, and the
        // shutdown gave up on the full buffer.
        Assert.Equal((piledUp / PsiCutEvery) - capacity, bufferFull.Batches);
        Assert.Equal(capacity, timedOut.Batches);
        foreach (var reason in new[] { "closed", "channel_full" }) Assert.Equal(default, stats.Dropped[reason]);
        Assert.Empty(stats.RejectedRecords);

        var droppedBatches = bufferFull.Batches + timedOut.Batches;
        Assert.Equal(droppedBatches * FeatureNames.Length, bufferFull.Items + timedOut.Items);
        Assert.Equal((delivered + piledUp) / PsiCutEvery, stats.BatchesSent + droppedBatches);
        var stored = env.StoredCounts(profile.Config.Uid);
        foreach (var feature in FeatureNames)
        {
            var storedInserts = stored.GetValueOrDefault(feature);
            Assert.Equal(delivered + piledUp - storedInserts, droppedBatches * PsiCutEvery);
        }
        Assert.Equal(delivered, stored["age"]);
    }

    private static async Task InsertPacedAsync(ProfileQueue queue, int total, int perSecond, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var i = 0;
        while (i < total)
        {
            var due = (int)Math.Min(total, (long)(clock.Elapsed.TotalSeconds * perSecond) + 1);
            for (; i < due; i++) queue.Insert(Variants[i % Variants.Length]);
            await Task.Delay(5, ct);
        }
    }

    private static void AssertNothingDropped(ScouterQueueStatistics stats)
    {
        foreach (var (reason, count) in stats.Dropped) Assert.True(count == default, $"dropped {reason}: {count}");
    }

    /// <summary>Every feature's bin counts add up to the inserts; "age" has its missing bin at one insert in ten.</summary>
    private static void AssertStoredExactly(Dictionary<string, long> stored, int total)
    {
        foreach (var feature in FeatureNames)
        {
            Assert.True(stored.TryGetValue(feature, out var count), $"nothing stored for {feature}");
            Assert.Equal(total, count);
        }
        Assert.Equal((total + 9) / 10, stored["age/missing"]);
    }

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);

    /// <summary>A server process on a fixed port over one SQLite data dir; restarts reuse both.</summary>
    private sealed class FaultEnvironment : IAsyncDisposable
    {
        private const string AdminPassword = "fault-tests-admin-pw";
        private readonly string _dataDir;
        private readonly int _port;
        private readonly string _secret;
        private Process? _process;

        private FaultEnvironment(string dataDir, int port, string secret)
        {
            _dataDir = dataDir;
            _port = port;
            _secret = secret;
        }

        public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}");

        public static async Task<FaultEnvironment> StartAsync(CancellationToken ct)
        {
            var env = new FaultEnvironment(Directory.CreateTempSubdirectory("scouter-faults-").FullName, FreePort(),
                Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)));
            try
            {
                await env.RestartAsync(ct);
                return env;
            }
            catch
            {
                await env.DisposeAsync();
                throw;
            }
        }

        /// <summary>Registers a two-feature PSI profile (admin, ScouterClient) and mints a write key on its space.</summary>
        public async Task<(PsiDriftProfile Profile, string ApiKey)> SetUpAsync(string name, CancellationToken ct)
        {
            var profile = new PsiDriftProfile(
                new PsiDriftConfig { Space = Space, Name = name, Version = "1.0.0", AlertConfig = new PsiAlertConfig { Schedule = CommonCrons.EveryHour } },
                new Dictionary<string, PsiFeatureProfile>
                {
                    ["age"] = new(FeatureKind.Numeric, [30, 50], null, [0.3, 0.4, 0.2], 0.1, 100, 10),
                    ["income"] = new(FeatureKind.Numeric, [25, 50, 75], null, [0.25, 0.25, 0.25, 0.25], 0, 100, 0),
                });
            await using (var admin = new ScouterClient(new ScouterClientOptions { ServerUri = Url, Username = "admin", Password = AdminPassword }))
            {
                profile = await admin.RegisterProfileAsync(profile, setActive: true, cancellationToken: ct);
            }

            using var http = new HttpClient { BaseAddress = new Uri(Url + "/api/v1/") };
            using var login = await http.PostAsJsonAsync("auth/token", new Dictionary<string, string> { ["username"] = "admin", ["password"] = AdminPassword }, ct);
            login.EnsureSuccessStatusCode();
            var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("access_token").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await http.PostAsync("api-keys", new StringContent(
                new JsonObject { ["name"] = "fault-tests-" + name, ["spaces"] = new JsonObject { [Space] = "write" } }.ToJsonString(),
                System.Text.Encoding.UTF8, "application/json"), ct);
            var body = await created.Content.ReadAsStringAsync(ct);
            Assert.True(created.IsSuccessStatusCode, body);
            return (profile, JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!);
        }

        /// <summary>Starts the server (again) and waits until it is ready.</summary>
        public async Task RestartAsync(CancellationToken ct)
        {
            await KillAsync();
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Scouter.Server.dll")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["SCOUTER_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
            start.Environment["SCOUTER_DATA_DIR"] = _dataDir;
            start.Environment["SCOUTER_DATABASE_URI"] = null;
            start.Environment["SCOUTER_JWT_SECRET"] = _secret;
            start.Environment["SCOUTER_ADMIN_PASSWORD"] = AdminPassword;
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;

            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            for (var i = 0; i < 150; i++)
            {
                if (process.HasExited) break;
                try
                {
                    using var ready = await probe.GetAsync(Url + "/readyz", ct);
                    if (ready.IsSuccessStatusCode) return;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }
                await Task.Delay(100, ct);
            }
            throw new InvalidOperationException($"the server on port {_port} did not become ready (exited: {process.HasExited})");
        }

        /// <summary>Kills the server process without warning.</summary>
        public async Task KillAsync()
        {
            if (_process is not { } process) return;
            _process = null;
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        /// <summary>Sum of stored PSI bin counts per feature of <paramref name="uid"/>, read from the database file; "age/missing" is age's missing bin.</summary>
        public Dictionary<string, long> StoredCounts(Guid uid)
        {
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "scouter.db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                select feature, sum(count) from psi_counts where uid = $uid group by feature
                union all
                select 'age/missing', coalesce(sum(count), 0) from psi_counts where uid = $uid and feature = 'age' and bin_id = 0
                """;
            command.Parameters.AddWithValue("$uid", uid.ToString("D", CultureInfo.InvariantCulture));
            using var reader = command.ExecuteReader();
            while (reader.Read()) result[reader.GetString(0)] = reader.GetInt64(1);
            return result;
        }

        public async ValueTask DisposeAsync()
        {
            await KillAsync();
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
                // Left to the OS temp cleanup.
            }
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>
    /// A reverse proxy in front of <c>POST /api/v1/records</c> that fails about 30 % of the requests:
    /// 429 with <c>Retry-After: 1</c> (10 %), 503 without forwarding (10 %), and 503 after the server
    /// stored the batch (10 %, a lost acknowledgement). It counts the server's duplicate answers.
    /// </summary>
    private sealed class FlakyProxy : IAsyncDisposable
    {
        private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect",
        };

        private readonly WebApplication _app;
        private readonly HttpClient _forward = new();
        private readonly Random _random;
        private readonly string _target;
        private int _requests;
        private int _tooMany;
        private int _unavailable;
        private int _storedThenFailed;
        private int _duplicates;

        private FlakyProxy(string target, int seed)
        {
            _target = target;
            _random = new Random(seed);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/api/v1/records", HandleAsync);
        }

        public string Url => ScouterServer.Url(_app);

        public int Requests => Volatile.Read(ref _requests);

        public int TooManyRequests => Volatile.Read(ref _tooMany);

        public int Unavailable => Volatile.Read(ref _unavailable);

        public int StoredThenFailed => Volatile.Read(ref _storedThenFailed);

        public int Duplicates => Volatile.Read(ref _duplicates);

        public static async Task<FlakyProxy> StartAsync(string target, int seed)
        {
            var proxy = new FlakyProxy(target, seed);
            await proxy._app.StartAsync();
            return proxy;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _forward.Dispose();
        }

        private async Task HandleAsync(HttpContext context)
        {
            Interlocked.Increment(ref _requests);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            double roll;
            lock (_random) roll = _random.NextDouble();

            if (roll < 0.1)
            {
                Interlocked.Increment(ref _tooMany);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }
            if (roll < 0.2)
            {
                Interlocked.Increment(ref _unavailable);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, _target + "/api/v1/records") { Content = new ByteArrayContent(body.ToArray()) };
            foreach (var (name, values) in context.Request.Headers)
            {
                if (HopHeaders.Contains(name)) continue;
                if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            using var response = await _forward.SendAsync(request, context.RequestAborted);
            var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
            if (response.StatusCode == HttpStatusCode.Accepted
                && JsonDocument.Parse(text).RootElement.TryGetProperty("duplicate", out var duplicate) && duplicate.GetBoolean())
            {
                Interlocked.Increment(ref _duplicates);
            }

            if (roll < 0.3 && response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref _storedThenFailed);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await context.Response.WriteAsync(text, context.RequestAborted);
        }
    }
}

/// <summary>Process-level timing tests: they run alone so CPU contention does not skew their clocks.</summary>
[CollectionDefinition(nameof(QueueFaultTests), DisableParallelization = true)]
public sealed class QueueFaultTestsCollection;
