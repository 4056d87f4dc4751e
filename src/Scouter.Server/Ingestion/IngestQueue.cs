using System.Threading.Channels;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;

namespace Scouter.Server.Ingestion;

/// <summary>A validated batch waiting for a writer, and the promise its submitter awaits.</summary>
internal sealed record IngestWorkItem(IngestBatch Batch, TaskCompletionSource<IngestOutcome> Stored);

/// <summary>
/// The bounded queue between the ingestion endpoints/consumers and the writers
/// (<see cref="ServerOptions.IngestQueueCapacity"/>). A full queue refuses immediately instead of waiting.
/// </summary>
public sealed class IngestQueue
{
    private readonly Channel<IngestWorkItem> _channel;

    /// <summary>Creates the queue and registers its depth gauge (<c>scouter.ingest.queue_depth</c>).</summary>
    public IngestQueue(ServerOptions options, ServerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _channel = Channel.CreateBounded<IngestWorkItem>(new BoundedChannelOptions(Math.Max(1, options.IngestQueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        metrics.ObserveGauge("scouter.ingest.queue_depth", () => Depth, "Record batches waiting for a writer");
    }

    /// <summary>Batches waiting for a writer.</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>
    /// Queues <paramref name="batch"/>; false when the queue is full or closed. <paramref name="stored"/>
    /// completes when the batch is committed (or found to be a duplicate), or faults with the store's error.
    /// </summary>
    public bool TryEnqueue(IngestBatch batch, out Task<IngestOutcome> stored)
    {
        var item = new IngestWorkItem(batch, new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        stored = item.Stored.Task;
        return _channel.Writer.TryWrite(item);
    }

    internal ChannelReader<IngestWorkItem> Reader => _channel.Reader;

    /// <summary>Stops accepting batches; the writers drain what is queued.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
