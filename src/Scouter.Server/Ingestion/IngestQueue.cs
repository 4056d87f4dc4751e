using System.Threading.Channels;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>A validated batch waiting for a writer, its estimated size, and the promise its submitter awaits.</summary>
internal sealed record IngestWorkItem(IngestBatch Batch, long Bytes, TaskCompletionSource<IngestOutcome> Stored);

/// <summary>
/// The bounded queue between the ingestion endpoints/consumers and the writers: at most
/// <see cref="ServerOptions.IngestQueueCapacity"/> batches and <see cref="ServerOptions.IngestQueueMaxBytes"/>
/// of estimated rows (<see cref="IngestBatch.EstimatedBytes"/>), counted from the enqueue until the writer has
/// finished with the batch. A full queue refuses immediately instead of waiting.
/// </summary>
internal sealed class IngestQueue
{
    private readonly Channel<IngestWorkItem> _channel;
    private readonly long _maxBytes;
    private long _bytes;

    /// <summary>Creates the queue and registers its gauges (<c>scouter.ingest.queue_depth</c>, <c>scouter.ingest.queue_bytes</c>).</summary>
    public IngestQueue(ServerOptions options, ServerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.IngestQueueMaxBytes, "IngestQueueMaxBytes (SCOUTER_INGEST_QUEUE_MAX_BYTES)");
        _maxBytes = options.IngestQueueMaxBytes;
        _channel = Channel.CreateBounded<IngestWorkItem>(new BoundedChannelOptions(Math.Max(1, options.IngestQueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        metrics.ObserveGauge("scouter.ingest.queue_depth", () => Depth, "Record batches waiting for a writer");
        metrics.ObserveGauge("scouter.ingest.queue_bytes", () => Bytes, "Estimated bytes of the record batches queued or being stored");
    }

    /// <summary>Batches waiting for a writer.</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>Estimated bytes of the batches queued or being stored.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Queues <paramref name="batch"/>; false when the queue is full (in batches or bytes) or closed. A batch
    /// larger than the byte bound on its own is taken when nothing else is queued, so that it can be stored at all.
    /// <paramref name="stored"/> completes when the batch is committed (or found to be a duplicate), or faults with the store's error.
    /// </summary>
    public bool TryEnqueue(IngestBatch batch, out Task<IngestOutcome> stored)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var item = new IngestWorkItem(batch, batch.EstimatedBytes, new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        stored = item.Stored.Task;
        var total = Interlocked.Add(ref _bytes, item.Bytes);
        if ((total > _maxBytes && total != item.Bytes) || !_channel.Writer.TryWrite(item))
        {
            Interlocked.Add(ref _bytes, -item.Bytes);
            return false;
        }
        return true;
    }

    internal ChannelReader<IngestWorkItem> Reader => _channel.Reader;

    /// <summary>The writer is done with <paramref name="item"/>: its bytes no longer count. Called before its submitter is answered.</summary>
    internal void Release(IngestWorkItem item) => Interlocked.Add(ref _bytes, -item.Bytes);

    /// <summary>Stops accepting batches; the writers drain what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
