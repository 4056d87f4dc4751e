using Scouter.Server.Storage;

namespace Scouter.Server.Ingestion;

/// <summary>
/// Once at start and then daily: removes records and batch ids older than
/// <see cref="ServerOptions.RetentionDays"/> (PostgreSQL drops whole daily partitions).
/// </summary>
internal sealed partial class RetentionService : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromDays(1);

    private readonly IRecordStore _store;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionService> _log;

    public RetentionService(IRecordStore store, ServerOptions options, TimeProvider time, ILogger<RetentionService> log)
    {
        _store = store;
        _options = options;
        _time = time;
        _log = log;
    }

    /// <summary>One retention pass.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromDays(_options.RetentionDays);
        var result = await _store.PurgeAsync(cutoff, cancellationToken);
        LogPurged(_log, cutoff, result.DroppedPartitions, result.DeletedRows);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(_log, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Retention: records before {Cutoff:O} removed ({Partitions} partitions dropped, {Rows} rows deleted)")]
    private static partial void LogPurged(ILogger logger, DateTimeOffset cutoff, int partitions, long rows);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Retention pass failed; retrying at the next period")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
