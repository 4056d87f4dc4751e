using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Resilience;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

/// <summary>Several sender loops over one buffer: bounded concurrency, buffer order, one probe during a backoff.</summary>
public class ConcurrentDeliveryTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);

    private static (BatchDelivery Delivery, GatedTransport Transport, FakeTimeProvider Time, QueueStats Stats) CreateFourSenders()
    {
        var time = new FakeTimeProvider();
        var transport = new GatedTransport();
        var stats = new QueueStats();
        return (new BatchDelivery(transport, 100, 4, new Backoff(Initial, TimeSpan.FromSeconds(30), new Random(1)), time, stats, NullLogger.Instance), transport, time, stats);
    }

    [Fact]
    public async Task FourSenders_SendFourOldestBatchesAtOnce_ThenEveryBatchOnce()
    {
        var (delivery, transport, time, stats) = CreateFourSenders();
        var batches = Enumerable.Range(1, 10).Select(Batch).ToArray();
        foreach (var batch in batches) delivery.Enqueue(batch);

        await WaitUntil(() => transport.InProgress == 4, "four sends in progress");
        await Task.Delay(100, TestContext.Current.CancellationToken); // room for a fifth, which must not start
        Assert.Equal(4, transport.InProgress);
        Assert.Equal(batches[..4].Select(b => b.BatchId).Order(), transport.Started.Order());

        transport.OpenAll();
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(4, transport.MaxInProgress);
        Assert.Equal(batches.Select(b => b.BatchId).Order(), transport.Delivered.Order());
        Assert.Equal(10, transport.Started.Count); // no batch sent twice
        Assert.Equal(10, stats.Snapshot().BatchesSent);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task RetryableFailures_UnderConcurrency_OneProbeAfterTheBackoff_ThenAllSendersResume()
    {
        var (delivery, transport, time, stats) = CreateFourSenders();
        var batches = Enumerable.Range(1, 8).Select(Batch).ToArray();
        foreach (var batch in batches) delivery.Enqueue(batch);
        await WaitUntil(() => transport.InProgress == 4, "four sends in progress");

        // Three of the four sends in progress fail. The fourth, started before the failures, then
        // succeeds: it must not end the backoff, so nothing more is sent until the backoff is over.
        transport.FailOnce(batches[..3].Select(b => b.BatchId));
        transport.Open(batches[..3].Select(b => b.BatchId));
        await WaitUntil(() => stats.Snapshot().Retries == 3, "three failures");
        transport.Open([batches[3].BatchId]);
        await WaitUntil(() => transport.Delivered.Count == 1 && transport.InProgress == 0 && delivery.BackoffWaits >= 1, "the fourth send and a backoff");
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(4, transport.Started.Count);

        transport.OpenAll();
        time.Advance(TimeSpan.FromSeconds(1)); // past the third backoff's cap of 800 ms
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(batches[0].BatchId, transport.Started.ElementAt(4)); // the probe is the oldest batch
        Assert.Equal(batches.Select(b => b.BatchId).Order(), transport.Delivered.Order());
        Assert.Equal(8 + 3, transport.Started.Count);
        Assert.Equal(8, stats.Snapshot().BatchesSent);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public void MaxConcurrentSends_OutOfRange_IsRejectedByName()
    {
        var error = Assert.Throws<ScouterConfigException>(() =>
            ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["p"] = PsiProfile() }, new InMemoryTransport(), new ScouterQueueOptions { MaxConcurrentSends = 0 }));
        Assert.Contains("max_concurrent_sends", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Holds each send until its batch is let through; records the order sends started and the batches accepted.</summary>
    private sealed class GatedTransport : IRecordTransport
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _gates = new();
        private readonly ConcurrentDictionary<Guid, bool> _failOnce = new();
        private readonly ConcurrentQueue<Guid> _started = new();
        private readonly ConcurrentQueue<Guid> _delivered = new();
        private volatile bool _allOpen;
        private int _inProgress;
        private int _maxInProgress;

        public string Name => "gated";

        public int InProgress => Volatile.Read(ref _inProgress);

        public int MaxInProgress => Volatile.Read(ref _maxInProgress);

        public IReadOnlyCollection<Guid> Started => [.. _started];

        public IReadOnlyCollection<Guid> Delivered => [.. _delivered];

        /// <summary>Lets the sends of <paramref name="batchIds"/> (held now or later) through.</summary>
        public void Open(IEnumerable<Guid> batchIds)
        {
            foreach (var id in batchIds) Gate(id).TrySetResult();
        }

        /// <summary>Lets every send through from now on.</summary>
        public void OpenAll()
        {
            _allOpen = true;
            foreach (var gate in _gates.Values) gate.TrySetResult();
        }

        public void FailOnce(IEnumerable<Guid> batchIds)
        {
            foreach (var id in batchIds) _failOnce[id] = true;
        }

        public async Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
        {
            _started.Enqueue(batch.BatchId);
            var now = Interlocked.Increment(ref _inProgress);
            int max;
            while (now > (max = Volatile.Read(ref _maxInProgress)) && Interlocked.CompareExchange(ref _maxInProgress, now, max) != max)
            {
            }
            try
            {
                if (!_allOpen)
                {
                    var gate = Gate(batch.BatchId);
                    if (_allOpen) gate.TrySetResult(); // OpenAll ran between the check and the gate's creation
                    await gate.Task.WaitAsync(cancellationToken);
                }
                if (_failOnce.TryRemove(batch.BatchId, out _)) throw new TransportException("simulated outage", retryable: true);
                _delivered.Enqueue(batch.BatchId);
                return [];
            }
            finally
            {
                Interlocked.Decrement(ref _inProgress);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private TaskCompletionSource Gate(Guid batchId) =>
            _gates.GetOrAdd(batchId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
