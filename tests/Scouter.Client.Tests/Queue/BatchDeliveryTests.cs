using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Resilience;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

public class BatchDeliveryTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private const int Seed = 1;

    private static (BatchDelivery Delivery, InMemoryTransport Transport, FakeTimeProvider Time, QueueStats Stats) Create(
        int capacity = 100, int concurrency = 1, LogCapture? logs = null)
    {
        var time = new FakeTimeProvider();
        // The test batches carry no registered profile: store them unchecked.
        var transport = new InMemoryTransport { ValidateRecords = false };
        var stats = new QueueStats();
        var delivery = new BatchDelivery(transport, capacity, concurrency, new Backoff(Initial, Max, new Random(Seed)), time, stats,
            (logs ?? new LogCapture()).CreateLogger("queue"));
        return (delivery, transport, time, stats);
    }

    [Fact]
    public async Task RetryableFailure_WaitsTheSeededFullJitterDelays_ThenDelivers()
    {
        // The delays drawn independently: uniform in [0, 200 ms) then [0, 400 ms) from Random(Seed).
        var draws = new Random(Seed);
        var first = TimeSpan.FromTicks((long)(Initial.Ticks * draws.NextDouble()));
        var second = TimeSpan.FromTicks((long)(2 * Initial.Ticks * draws.NextDouble()));
        var logs = new LogCapture();
        var (delivery, transport, time, stats) = Create(logs: logs);
        transport.FailNext(2);
        delivery.Enqueue(Batch(3));

        await WaitUntil(() => delivery.BackoffWaits == 1, "first backoff");
        Assert.Equal(1, transport.SendAttempts);
        Assert.Equal(1, stats.Snapshot().Retries);
        Assert.Equal(first, Assert.Single(logs.WithEventId(1010))["Delay"]);
        time.Advance(first);
        await WaitUntil(() => delivery.BackoffWaits == 2, "second backoff");
        Assert.Equal(2, transport.SendAttempts);
        Assert.Equal([first, second], logs.WithEventId(1010).Select(l => (TimeSpan)l["Delay"]!));
        time.Advance(second);
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
    public async Task RetryableFailures_AtTheCap_WaitTheSeededFractionOfMaxBackoff()
    {
        // Attempts 1..9 have caps 0.2 s .. 51.2 s; from attempt 9 on the cap is Max (30 s).
        var draws = new Random(Seed);
        var expected = Enumerable.Range(1, 10)
            .Select(attempt => TimeSpan.FromTicks((long)(Math.Min(Max.Ticks, Initial.Ticks * (1L << (attempt - 1))) * draws.NextDouble())))
            .ToArray();
        var logs = new LogCapture();
        var (delivery, transport, time, _) = Create(logs: logs);
        transport.FailNext(10);
        delivery.Enqueue(Batch(1));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await WaitUntil(() => delivery.BackoffWaits == attempt, $"backoff {attempt}");
            time.Advance(expected[attempt - 1]);
        }
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, logs.WithEventId(1010).Select(l => (TimeSpan)l["Delay"]!));
        Assert.Single(transport.Batches);
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task NonRetryableFailure_CountsTheBatchRecordsAsRejected_AndContinues()
    {
        var logs = new LogCapture();
        var (delivery, transport, _, stats) = Create(logs: logs);
        transport.FailNext(1, retryable: false);
        var rejected = Batch(4);
        var next = Batch(2);
        delivery.Enqueue(rejected);
        delivery.Enqueue(next);
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(next.BatchId, Assert.Single(transport.Batches).BatchId);
        var snapshot = stats.Snapshot();
        Assert.Equal(new Dictionary<string, long> { ["rejected"] = 4 }, snapshot.RejectedRecords);
        Assert.All(snapshot.Dropped.Values, d => Assert.Equal(default, d));
        Assert.Equal((1L, 2L), (snapshot.BatchesSent, snapshot.RecordsSent));
        Assert.Equal(0, snapshot.Retries);
        var line = Assert.Single(logs.WithEventId(1011));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, line.Level);
        Assert.Contains("simulated failure", line.Message, StringComparison.Ordinal);
        Assert.Empty(logs.WithEventId(1014));
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
