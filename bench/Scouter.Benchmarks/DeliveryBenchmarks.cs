using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Resilience;

namespace Scouter.Benchmarks;

/// <summary>
/// Batches per second the queue's delivery gets through a transport whose every send takes a fixed
/// 2 ms (a receiver's round trip and commit), by <see cref="ScouterQueueOptions.MaxConcurrentSends"/>.
/// One operation is one batch.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class DeliveryBenchmarks
{
    private const int BatchesPerInvoke = 200;
    private static readonly TimeSpan SendLatency = TimeSpan.FromMilliseconds(2);

    private RecordBatch[] _batches = null!;
    private BatchDelivery _delivery = null!;

    /// <summary>Sends in flight at once.</summary>
    [Params(1, 4, 8)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batches = [.. Enumerable.Range(0, BatchesPerInvoke).Select(_ => new RecordBatch
        {
            BatchId = Guid.CreateVersion7(),
            SentAt = DateTimeOffset.UnixEpoch,
            Records = [new CustomRecord { Uid = Guid.Empty, CreatedAt = DateTimeOffset.UnixEpoch, Metric = "m", Sum = 1, Count = 1 }],
        })];
        _delivery = new BatchDelivery(new FixedLatencyTransport(), _batches.Length, Concurrency,
            new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), new Random(1)), TimeProvider.System, new QueueStats(), NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup() => _delivery.StopAsync(TimeSpan.Zero).GetAwaiter().GetResult();

    /// <summary>Buffers 200 batches and waits until all are sent.</summary>
    [Benchmark(OperationsPerInvoke = BatchesPerInvoke)]
    public async Task DeliverBatches()
    {
        foreach (var batch in _batches) _delivery.Enqueue(batch);
        await _delivery.WhenEmptyAsync(CancellationToken.None);
    }

    private sealed class FixedLatencyTransport : IRecordTransport
    {
        public string Name => "fixed-latency";

        public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
        {
            await Task.Delay(SendLatency, cancellationToken);
            return [];
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
