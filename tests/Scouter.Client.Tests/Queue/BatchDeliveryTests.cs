using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

public class BatchDeliveryTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private static (BatchDelivery Delivery, InMemoryTransport Transport, FakeTimeProvider Time, QueueStats Stats) Create(int capacity = 100, int concurrency = 1)
    {
        var time = new FakeTimeProvider();
        var transport = new InMemoryTransport();
        var stats = new QueueStats();
        var delivery = new BatchDelivery(transport, capacity, concurrency, Initial, Max, time, new Random(1), stats, NullLogger.Instance);
        return (delivery, transport, time, stats);
    }

    [Fact]
    public async Task RetryableFailure_RetriesWithExponentialBackoff()
    {
        var (delivery, transport, time, stats) = Create();
        transport.FailNext(2);
        delivery.Enqueue(Batch(3));

        await WaitUntil(() => delivery.BackoffWaits == 1, "first backoff");
        Assert.Equal(1, transport.SendAttempts);
        Assert.Equal(1, stats.Snapshot().Retries);
        time.Advance(Initial); // full jitter: first delay is in [0, 200 ms)
        await WaitUntil(() => delivery.BackoffWaits == 2, "second backoff");
        Assert.Equal(2, transport.SendAttempts);
        time.Advance(2 * Initial); // second delay is in [0, 400 ms)
        await WaitUntil(() => stats.Snapshot().BatchesSent == 1, "delivery");

        var snapshot = stats.Snapshot();
        Assert.Equal(3, snapshot.RecordsSent);
        Assert.Equal(0, snapshot.Buffered);
        Assert.Single(transport.Batches);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        var (delivery, transport, time, stats) = Create();
        transport.FailNext(1, retryable: true, retryAfter: TimeSpan.FromSeconds(5));
        delivery.Enqueue(Batch(1));
        await WaitUntil(() => delivery.BackoffWaits == 1, "backoff");
        Assert.Equal(1, stats.Snapshot().Retries);

        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Equal(1, transport.SendAttempts);
        Assert.Empty(transport.Batches);

        time.Advance(TimeSpan.FromSeconds(0.1));
        await WaitUntil(() => transport.Batches.Count == 1, "delivery after Retry-After");
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public void Backoff_IsFullJitterUnderTheExponentialCap()
    {
        var (delivery, _, _, _) = Create();
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            var cap = TimeSpan.FromTicks(Math.Min(Max.Ticks, Initial.Ticks << Math.Min(attempt - 1, 20)));
            for (var i = 0; i < 50; i++) Assert.InRange(delivery.Backoff(attempt), TimeSpan.Zero, cap);
        }
    }

    [Fact]
    public async Task NonRetryableFailure_DropsBatchAsRejected_AndContinues()
    {
        var (delivery, transport, _, stats) = Create();
        transport.FailNext(1, retryable: false);
        var rejected = Batch(4);
        var next = Batch(2);
        delivery.Enqueue(rejected);
        delivery.Enqueue(next);
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(next.BatchId, Assert.Single(transport.Batches).BatchId);
        var snapshot = stats.Snapshot();
        Assert.Equal(new DroppedCount(1, 4), snapshot.Dropped["rejected"]);
        Assert.Equal(0, snapshot.Retries);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task FullBuffer_DropsOldest_CountsExactly_AndKeepsFifoOrder()
    {
        var (delivery, transport, time, stats) = Create(capacity: 3);
        transport.FailNext(1, retryAfter: TimeSpan.FromSeconds(1));
        var batches = Enumerable.Range(1, 10).Select(Batch).ToArray();
        delivery.Enqueue(batches[0]);
        await WaitUntil(() => delivery.BackoffWaits == 1, "outage");
        foreach (var batch in batches.Skip(1)) delivery.Enqueue(batch);
        Assert.Equal(3, delivery.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(batches[7..].Select(b => b.BatchId), transport.Batches.Select(b => b.BatchId));
        var dropped = stats.Snapshot().Dropped["buffer_full"];
        Assert.Equal(7, dropped.Batches);
        Assert.Equal(batches[..7].Sum(b => b.Records.Count), dropped.Items);
        Assert.Equal(10, dropped.Batches + stats.Snapshot().BatchesSent);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task Stop_DropsUndeliveredAsShutdownTimeout()
    {
        var (delivery, transport, time, stats) = Create();
        transport.FailNext(int.MaxValue);
        delivery.Enqueue(Batch(2));
        delivery.Enqueue(Batch(3));
        await WaitUntil(() => stats.Snapshot().Retries >= 1, "outage");

        var stop = delivery.StopAsync(TimeSpan.FromSeconds(1));
        await AdvanceUntil(time, stop);
        var (batches, records) = await stop;

        Assert.Equal((2, 5L), (batches, records));
        var snapshot = stats.Snapshot();
        Assert.Equal(new DroppedCount(2, 5), snapshot.Dropped["shutdown_timeout"]);
        Assert.Equal(0, snapshot.Buffered);
    }

    internal static async Task AdvanceUntil(FakeTimeProvider time, Task task)
    {
        for (var i = 0; i < 1000 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }
        Assert.True(task.IsCompleted, "task did not complete while time advanced");
    }
}
