using Scouter.Ingestion;

namespace Scouter.Server.Ingestion;

/// <summary>
/// Runs the enabled broker consumers (every registered <see cref="IRecordSource"/>) for the life of
/// the server. Registered after the ingestion writers, so on shutdown it stops first: each consumer
/// stops fetching and finishes its in-flight batches while the writers are still running.
/// A consumer that fails is logged and restarted after a pause; it never takes the server down.
/// </summary>
internal sealed partial class RecordSourceService : BackgroundService
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<IRecordSource> _sources;
    private readonly IRecordBatchSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordSourceService> _log;

    public RecordSourceService(IEnumerable<IRecordSource> sources, IRecordBatchSink sink, TimeProvider time, ILogger<RecordSourceService> log)
    {
        _sources = [.. sources];
        _sink = sink;
        _time = time;
        _log = log;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sources.Select(source => Task.Run(() => RunAsync(source, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(IRecordSource source, CancellationToken stoppingToken)
    {
        LogStarting(_log, source.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await source.RunAsync(_sink, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFailed(_log, source.Name, RestartDelay.TotalSeconds, ex);
                try
                {
                    await Task.Delay(RestartDelay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        LogStopped(_log, source.Name);
    }

    [LoggerMessage(EventId = 340, Level = LogLevel.Information, Message = "Broker consumer {Source} starting")]
    private static partial void LogStarting(ILogger logger, string source);

    [LoggerMessage(EventId = 341, Level = LogLevel.Error, Message = "Broker consumer {Source} failed; restarting in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, string source, double seconds, Exception exception);

    [LoggerMessage(EventId = 342, Level = LogLevel.Information, Message = "Broker consumer {Source} stopped")]
    private static partial void LogStopped(ILogger logger, string source);
}
