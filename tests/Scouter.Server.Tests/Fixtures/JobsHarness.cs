using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Alerts;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Tests.Fixtures;

/// <summary>
/// The job services wired by hand on a fresh database and a <see cref="FakeTimeProvider"/> at <see cref="Seed.T0"/>.
/// Alerts go through the server's alert client; 127.0.0.1 (where <see cref="RecordingHttpServer"/> listens)
/// is an allowed alert destination unless <c>configure</c> changes <see cref="ServerOptions.AlertAllowedHosts"/>.
/// </summary>
internal sealed class JobsHarness : IAsyncDisposable
{
    private readonly ServiceProvider _http;
    private readonly LoggerFactory _loggers;
    private readonly LoggerFactory _dispatcherLoggers;

    private JobsHarness(TestDatabase db, ServerOptions options)
    {
        Db = db;
        Options = options;
        _http = new ServiceCollection().AddAlertHttpClient(options).BuildServiceProvider();
        _loggers = new LoggerFactory([ChannelLogs]);
        _dispatcherLoggers = new LoggerFactory([DispatcherLogs]);
        Store = new JobStore(db.Database);
        Alerts = new AlertStore(db.Database);
        Checks = new DriftCheckService(Store, new DriftCheckEngine(new SqlRecordStore(db.Database, NullLogger<SqlRecordStore>.Instance), options.Evaluation), options, Time, Metrics, NullLogger<DriftCheckService>.Instance);
    }

    public TestDatabase Db { get; }
    public ScouterDatabase Database => Db.Database;
    public FakeTimeProvider Time { get; } = new(Seed.T0);
    public ServerOptions Options { get; }
    public ServerMetrics Metrics { get; } = new();
    public JobStore Store { get; }
    public AlertStore Alerts { get; }
    public DriftCheckService Checks { get; }

    /// <summary>Log entries of the alert channels (console notices, ...).</summary>
    public TestLoggerProvider ChannelLogs { get; } = new();

    /// <summary>Log entries of the dispatcher (delivered, retry, refused, ...).</summary>
    public TestLoggerProvider DispatcherLogs { get; } = new();

    public static async Task<JobsHarness> CreateAsync(SqlDialect dialect, Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions
        {
            JobWorkers = 4, JobLease = TimeSpan.FromSeconds(60), JobPollInterval = TimeSpan.FromSeconds(1), AlertAllowedHosts = "127.0.0.1",
        };
        configure?.Invoke(options);
        return new JobsHarness(await TestDatabase.CreateAsync(dialect), options);
    }

    public JobRunner Runner() => new(Store, Checks, Options, Time, NullLogger<JobRunner>.Instance);

    public AlertDispatcher Dispatcher() =>
        new(Alerts, new AlertChannels(_http.GetRequiredService<IHttpClientFactory>(), Options, new Logger<AlertChannels>(_loggers)), Options, Time,
            new Logger<AlertDispatcher>(_dispatcherLoggers));

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        _loggers.Dispose();
        _dispatcherLoggers.Dispose();
        Metrics.Dispose();
        await Db.DisposeAsync();
    }
}
