using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;

namespace Scouter.Server.Ingestion;

/// <summary>
/// Once at start and then daily, in two tiers: first folds every stored record into the hourly
/// roll-ups, then removes raw records and batch ids older than <see cref="ServerOptions.RetentionDays"/>
/// (PostgreSQL drops whole daily partitions) and roll-up hours older than
/// <see cref="ServerOptions.RollupRetentionDays"/>.
/// </summary>
internal sealed partial class RetentionService : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromDays(1);

    private readonly IRecordStore _store;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionService> _log;

    private readonly RollupWriter _rollups;

    public RetentionService(IRecordStore store, RollupWriter rollups, ServerOptions options, TimeProvider time, ILogger<RetentionService> log)
    {
        _store = store;
        _rollups = rollups;
        _options = options;
        _time = time;
        _log = log;
    }

    /// <summary>One retention pass.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cutoff = now - TimeSpan.FromDays(_options.RetentionDays);
        var rollupCutoff = now - TimeSpan.FromDays(_options.RollupRetentionDays);
        // Fold first, so no raw row leaves before it is counted in the roll-ups. A transaction left
        // open elsewhere can hold the fold back; then raw rows stay until the next pass.
        var result = new RetentionResult(0, 0) { RawPurgeDeferred = true };
        if (await _rollups.FoldCommittedAsync(FoldTimeout, cancellationToken))
        {
            result = await _store.PurgeAsync(cutoff, cancellationToken);
        }
        else
        {
            LogFoldBehind(_log, FoldTimeout);
        }
        var hours = await _store.PurgeRollupsAsync(rollupCutoff, cancellationToken);
        LogPurged(_log, cutoff, result.DroppedPartitions, result.DeletedRows, rollupCutoff, hours);
        return result with { DeletedRollupRows = hours };
    }

    /// <summary>How long a pass waits for the roll-ups to count every committed row before it leaves the raw rows for the next pass.</summary>
    public TimeSpan FoldTimeout { get; init; } = TimeSpan.FromMinutes(1);

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

    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "Retention: records before {Cutoff:O} removed ({Partitions} partitions dropped, {Rows} rows deleted); roll-ups before {RollupCutoff:O} removed ({RollupRows} rows)")]
    private static partial void LogPurged(ILogger logger, DateTimeOffset cutoff, int partitions, long rows, DateTimeOffset rollupCutoff, long rollupRows);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning,
        Message = "Retention: raw records kept this pass; the roll-ups could not count every committed row within {Timeout} (a long-open database transaction holds them back)")]
    private static partial void LogFoldBehind(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Retention pass failed; retrying at the next period")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
