using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Hosting;
using Scouter.Server;
using Scouter.Testing;
using Xunit;

namespace Scouter.AspNetCore.Tests;

/// <summary>Profiles downloaded at start-up when the Scouter server is down, comes up later, or is up.</summary>
public sealed class ProfileDownloadTests
{
    private const string AdminPassword = "aspnet-download-admin-pw";

    private static readonly GetProfileRequest Request = new() { Space = "aspnet", Name = "predictor", Version = "1.0.0", DriftType = DriftType.Psi };

    [Fact]
    public async Task ServerDownAtStart_HostStarts_InsertsCountedAsPending_ThenServerUp_ProfileDownloadedAndInsertsDelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var cache = Path.Combine(Directory.CreateTempSubdirectory("scouter-cache-").FullName, "profiles", "psi.json");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var transport = new InMemoryTransport();
        var logs = new LogSink();
        using var host = BuildHost(port, time, transport, logs, q => q.AddProfile("psi", Request, cache));

        await host.StartAsync(ct); // the server is down: this must not throw

        var queue = host.Services.GetRequiredService<ScouterQueue>();
        var psi = queue["psi"];
        Assert.True(psi.IsPending);
        Assert.Equal(DriftType.Psi, psi.DriftType);
        Assert.Throws<InvalidOperationException>(() => psi.Profile);
        for (var i = 0; i < 3; i++) psi.Insert(TestApp.Row(i));
        Assert.Equal(3, queue.Statistics.Dropped["profile_pending"].Items);
        Assert.Equal(0, queue.Statistics.Inserted);
        var pendingLog = Assert.Single(logs.Entries, e => e.EventId == 1104);
        Assert.Equal(LogLevel.Warning, pendingLog.Level);
        Assert.Contains($"127.0.0.1:{port}", pendingLog.Message, StringComparison.Ordinal);
        var dropLog = Assert.Single(logs.Entries, e => e.EventId == 1005); // once, not per insert
        Assert.Equal(LogLevel.Warning, dropLog.Level);
        Assert.False(File.Exists(cache));

        await using var server = await StartServerAsync(port);
        var uid = await RegisterAsync(server);
        var hosted = host.Services.GetRequiredService<ScouterQueueHost>();
        await WaitUntil(() => hosted.RetryWaits == 1, "first background retry wait");
        time.Advance(ScouterQueueHost.RetryInitialBackoff); // the first retry waits at most the initial backoff
        await hosted.BackgroundDownloads.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.False(psi.IsPending);
        Assert.Equal(uid, psi.Profile.Config.Uid);
        var available = Assert.Single(logs.Entries, e => e.EventId == 1006);
        Assert.Equal(LogLevel.Information, available.Level);
        Assert.Contains("3 inserts", available.Message, StringComparison.Ordinal);
        Assert.Equal(uid, DriftProfile.Load(cache).Config.Uid);

        for (var i = 0; i < 10; i++) psi.Insert(TestApp.Row(i));
        await queue.FlushAsync(ct);
        Assert.Equal(10, TestApp.PsiCount(transport, "x"));
        Assert.All(transport.Records, r => Assert.Equal(uid, r.Uid));
        Assert.Equal(3, queue.Statistics.Dropped["profile_pending"].Items);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task ServerDownAtStart_WithCacheFile_UsesCachedProfile_AndWarnsWithPathAndServerError()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var cache = Path.Combine(Directory.CreateTempSubdirectory("scouter-cache-").FullName, "psi.json");
        var cached = TestApp.PsiProfile(Request.Name, Request.Space, Request.Version);
        cached.Save(cache);
        var transport = new InMemoryTransport();
        var logs = new LogSink();
        using var host = BuildHost(port, new FakeTimeProvider(TimeProvider.System.GetUtcNow()), transport, logs, q => q.AddProfile("psi", Request, cache));

        await host.StartAsync(ct);

        var queue = host.Services.GetRequiredService<ScouterQueue>();
        Assert.False(queue["psi"].IsPending);
        Assert.Equal(cached.Config.Uid, queue["psi"].Profile.Config.Uid);
        var warning = Assert.Single(logs.Entries, e => e.EventId == 1103);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(cache, warning.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", warning.Message, StringComparison.Ordinal); // the server error names the server
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 1104); // nothing pending, nothing retried
        Assert.Equal(0, host.Services.GetRequiredService<ScouterQueueHost>().RetryWaits);

        for (var i = 0; i < 5; i++) queue["psi"].Insert(TestApp.Row(i));
        await queue.FlushAsync(ct);
        Assert.Equal(5, TestApp.PsiCount(transport, "x"));
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task ServerDownAtStart_CacheOfAnotherProfile_IsNotUsed()
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = Path.Combine(Directory.CreateTempSubdirectory("scouter-cache-").FullName, "psi.json");
        TestApp.PsiProfile("other-model", Request.Space, Request.Version).Save(cache);
        var logs = new LogSink();
        using var host = BuildHost(FreePort(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()), new InMemoryTransport(), logs, q => q.AddProfile("psi", Request, cache));

        await host.StartAsync(ct);

        Assert.True(host.Services.GetRequiredService<ScouterQueue>()["psi"].IsPending);
        Assert.Contains("other-model", Assert.Single(logs.Entries, e => e.EventId == 1106).Message, StringComparison.Ordinal);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task ServerUpAtStart_DownloadsAndWritesCacheFile()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync(0);
        var uid = await RegisterAsync(server);
        var port = new Uri(ScouterServer.Url(server)).Port;
        var cache = Path.Combine(Directory.CreateTempSubdirectory("scouter-cache-").FullName, "nested", "psi.json");
        using var host = BuildHost(port, new FakeTimeProvider(TimeProvider.System.GetUtcNow()), new InMemoryTransport(), new LogSink(), q => q.AddProfile("psi", Request, cache));

        await host.StartAsync(ct);

        Assert.Equal(uid, host.Services.GetRequiredService<ScouterQueue>()["psi"].Profile.Config.Uid);
        Assert.Equal(uid, DriftProfile.Load(cache).Config.Uid);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cache)!, "*.tmp"));
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task NotRegistered_HostStartsWithAliasPending_AndWarnsClearly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync(0);
        var port = new Uri(ScouterServer.Url(server)).Port;
        var logs = new LogSink();
        var missing = new GetProfileRequest { Space = "aspnet", Name = "missing", Version = "9.9.9", DriftType = DriftType.Psi };
        using var host = BuildHost(port, new FakeTimeProvider(TimeProvider.System.GetUtcNow()), new InMemoryTransport(), logs, q => q.AddProfile("psi", missing));

        await host.StartAsync(ct);

        Assert.True(host.Services.GetRequiredService<ScouterQueue>()["psi"].IsPending);
        var warning = Assert.Single(logs.Entries, e => e.EventId == 1104);
        Assert.Contains("could not download profile 'psi'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("aspnet/missing", warning.Message, StringComparison.Ordinal);
        await host.StopAsync(ct);
    }

    private static IHost BuildHost(int port, TimeProvider time, IRecordTransport transport, LogSink logs, Action<ScouterQueueBuilder> profiles)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(time);
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddScouterQueue(q =>
        {
            profiles(q);
            q.ConfigureClient(o =>
            {
                o.ServerUri = $"http://127.0.0.1:{port}";
                o.Username = "admin";
                o.Password = AdminPassword;
                o.Timeout = TimeSpan.FromSeconds(10);
            }).UseTransport(transport).Configure(o => o.RandomSeed = 5);
        });
        return builder.Build();
    }

    private static async Task<WebApplication> StartServerAsync(int port)
    {
        var dataDir = Directory.CreateTempSubdirectory("scouter-aspnet-server-").FullName;
        var app = ScouterServer.Build([], o =>
        {
            o.Port = port;
            o.DataDir = dataDir;
            o.AdminPassword = AdminPassword;
            o.JwtSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        }, s => s.AddTestOutputLogging());
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task<Guid> RegisterAsync(WebApplication server)
    {
        using var admin = new ScouterClient(new ScouterClientOptions { ServerUri = ScouterServer.Url(server), Username = "admin", Password = AdminPassword });
        var registered = await admin.RegisterProfileAsync(TestApp.PsiProfile(Request.Name, Request.Space, Request.Version), setActive: true,
            cancellationToken: TestContext.Current.CancellationToken);
        return registered.Config.Uid;
    }

    /// <summary>A loopback port nothing listens on (free now; a server may take it later).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (condition()) return;
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"Timed out waiting for: {what}");
    }

    internal sealed record LogEntry(LogLevel Level, int EventId, string Message);

    /// <summary>Keeps every log entry of the host under test, to assert on.</summary>
    internal sealed class LogSink : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(LogSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink._entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
