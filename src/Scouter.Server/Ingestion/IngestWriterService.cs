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

    private const int MaxGroupBatches = 32;
    private const int MaxGroupRows = 100_000;

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
        var group = new List<IngestWorkItem>(MaxGroupBatches);
        while (await _queue.Reader.WaitToReadAsync())
        {
            // Group commit: take what is already queued (up to a bound) and store it in one transaction,
            // which saves the per-transaction round trips that dominate under load.
            var rows = 0;
            while (group.Count < MaxGroupBatches && rows < MaxGroupRows && _queue.Reader.TryRead(out var item))
            {
                group.Add(item);
                rows += item.Batch.RowCount;
            }
            if (group.Count == 0) continue;
            try
            {
                var outcomes = await _store.IngestManyAsync([.. group.Select(g => g.Batch)], CancellationToken.None);
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i] == IngestOutcome.Stored)
                    {
                        _metrics.BatchesIngested.Add(1);
                        _metrics.RecordsIngested.Add(group[i].Batch.Stored);
                    }
                    else
                    {
                        _metrics.DuplicateBatches.Add(1);
                    }
                    _queue.Release(group[i]);
                    group[i].Stored.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception ex)
            {
                // The group's transaction rolled back: none of its batches is stored, each submitter is told.
                foreach (var item in group)
                {
                    LogStoreFailed(_log, item.Batch.BatchId, ex);
                    _queue.Release(item);
                    item.Stored.TrySetException(ex);
                }
            }
            group.Clear();
        }
    }

    [LoggerMessage(EventId = 320, Level = LogLevel.Error, Message = "Storing record batch {BatchId} failed; nothing of it was stored")]
    private static partial void LogStoreFailed(ILogger logger, Guid batchId, Exception exception);
}
