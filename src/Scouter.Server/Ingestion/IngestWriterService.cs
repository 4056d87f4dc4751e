using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>
/// The writers: a small pool of loops that take batches off the <see cref="IngestQueue"/> and store
/// them (one writer on SQLite, which has a single writer anyway; two on PostgreSQL). On shutdown the
/// queue is closed and drained; a batch a writer has started is committed regardless of shutdown.
/// </summary>
internal sealed partial class IngestWriterService : BackgroundService
{
    private readonly IngestQueue _queue;
    private readonly IRecordStore _store;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<IngestWriterService> _log;
    private readonly int _writers;

    public IngestWriterService(IngestQueue queue, IRecordStore store, ServerMetrics metrics, ScouterDatabase database, ILogger<IngestWriterService> log)
    {
        _queue = queue;
        _store = store;
        _metrics = metrics;
        _log = log;
        _writers = database.Dialect == SqlDialect.Sqlite ? 1 : 2;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _writers).Select(_ => Task.Run(WriteLoopAsync, CancellationToken.None)));

    private async Task WriteLoopAsync()
    {
        // Not cancelled by stoppingToken: Complete() ends the loop once the queue is empty.
        await foreach (var item in _queue.Reader.ReadAllAsync())
        {
            try
            {
                var outcome = await _store.IngestAsync(item.Batch, CancellationToken.None);
                if (outcome == IngestOutcome.Stored)
                {
                    _metrics.BatchesIngested.Add(1);
                    _metrics.RecordsIngested.Add(item.Batch.Records);
                }
                else
                {
                    _metrics.DuplicateBatches.Add(1);
                }
                item.Stored.TrySetResult(outcome);
            }
            catch (Exception ex)
            {
                LogStoreFailed(_log, item.Batch.BatchId, ex);
                item.Stored.TrySetException(ex);
            }
        }
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Error, Message = "Storing record batch {BatchId} failed; nothing of it was stored")]
    private static partial void LogStoreFailed(ILogger logger, Guid batchId, Exception exception);
}
