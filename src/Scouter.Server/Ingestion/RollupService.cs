using Scouter.Server.Storage.Rollups;

namespace Scouter.Server.Ingestion;

/// <summary>
/// Every <see cref="ServerOptions.RollupInterval"/>: folds the records stored since the last pass
/// into the hourly roll-ups (<see cref="RollupWriter"/>). Reads are exact whether or not it has run;
/// it keeps the raw part of every read small. Safe on several replicas (one pass at a time).
/// </summary>
internal sealed partial class RollupService(RollupWriter writer, ServerOptions options, TimeProvider time, ILogger<RollupService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RollupInterval, time);
        do
        {
            try
            {
                var rows = await writer.CatchUpAsync(stoppingToken);
                if (rows > 0) LogFolded(log, rows);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(log, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Roll-ups: {Rows} record rows folded into the hourly tables")]
    private static partial void LogFolded(ILogger logger, long rows);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Roll-up pass failed; reads stay exact (they read the raw rows), retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
