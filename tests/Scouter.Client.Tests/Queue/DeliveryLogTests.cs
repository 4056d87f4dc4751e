using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Resilience;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

/// <summary>Operable logs: one line per outage start and end, repeated lines at most every 5 minutes with a count.</summary>
public class DeliveryLogTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Outage_LogsOneWarningWhenItStarts_AndOneInformationWithCountsWhenItRecovers()
    {
        var time = new FakeTimeProvider();
        var transport = new InMemoryTransport { ValidateRecords = false };
        var logs = new LogCapture();
        var delivery = new BatchDelivery(transport, 100, 1, new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), new Random(1)), time,
            new QueueStats(), logs.CreateLogger("queue"));
        transport.FailNext(3, retryAfter: Second);
        delivery.Enqueue(Batch(1));
        delivery.Enqueue(Batch(2));
        delivery.Enqueue(Batch(3));
        for (var failure = 1; failure <= 3; failure++)
        {
            await WaitUntil(() => delivery.BackoffWaits == failure, $"backoff {failure}");
            time.Advance(Second);
        }
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);

        var warning = Assert.Single(logs.WithEventId(1014));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("memory", warning["Transport"]);
        Assert.Contains("simulated failure", warning.Message, StringComparison.Ordinal);
        var recovered = Assert.Single(logs.WithEventId(1015));
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Equal(3, recovered["FailedAttempts"]);
        Assert.Equal(TimeSpan.FromSeconds(3), recovered["Duration"]); // failures at 0, 1 and 2 s, success at 3 s
        Assert.Equal(2, recovered["Waiting"]); // the batch that got through was the first of three
        Assert.Equal(3, logs.WithEventId(1010).Count); // each attempt at Debug only

        // A second outage is a new start and a new end.
        transport.FailNext(1, retryAfter: Second);
        delivery.Enqueue(Batch(4));
        await WaitUntil(() => delivery.BackoffWaits == 4, "second outage");
        time.Advance(Second);
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, logs.WithEventId(1014).Count);
        Assert.Equal([3, 1], logs.WithEventId(1015).Select(l => (int)l["FailedAttempts"]!));
        await delivery.StopAsync(TimeSpan.Zero);
    }

    [Fact]
    public void Throttle_FirstOccurrenceLogged_ThenAtMostEveryFiveMinutesWithTheCountSince()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time);

        Assert.True(throttle.Hit(out var first));
        Assert.Equal(1, first);
        for (var i = 0; i < 3; i++) Assert.False(throttle.Hit(out _));
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.False(throttle.Hit(4, out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(throttle.Hit(out var second));
        Assert.Equal(3 + 4 + 1, second);
        Assert.False(throttle.Hit(out _));
    }

    [Fact]
    public async Task RepeatedDataError_IsLoggedAgainAfterFiveMinutes_WithTheCountSinceTheLastLine()
    {
        var logs = new LogCapture();
        var (queue, _, time) = Create("psi", PsiProfile(), o =>
        {
            o.LoggerFactory = logs;
            o.FlushInterval = TimeSpan.FromHours(1);
        });
        await using var _q = queue;
        var text = new Features([new Feature("x", "N/A"), new Feature("c", "a")]);
        async Task InsertAsync(int times)
        {
            for (var i = 0; i < times; i++) queue["psi"].Insert(text);
            await queue.FlushAsync(TestContext.Current.CancellationToken); // the worker has processed every insert
        }

        await InsertAsync(1);
        await InsertAsync(9);
        Assert.Equal([1L], logs.WithEventId(1001).Select(l => (long)l["Count"]!));
        time.Advance(TimeSpan.FromMinutes(4));
        await InsertAsync(5);
        Assert.Single(logs.WithEventId(1001));
        time.Advance(TimeSpan.FromMinutes(1));
        await InsertAsync(1);

        Assert.Equal([1L, 15L], logs.WithEventId(1001).Select(l => (long)l["Count"]!));
        Assert.Equal(16, queue.Statistics.Errors["not_numeric"]);
    }

    [Fact]
    public async Task BufferFullDrops_AreLoggedOnceWithinFiveMinutes_AndCountedEach()
    {
        var time = new FakeTimeProvider();
        var transport = new InMemoryTransport { ValidateRecords = false };
        var logs = new LogCapture();
        var stats = new QueueStats();
        var delivery = new BatchDelivery(transport, 2, 1, new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), new Random(1)), time,
            stats, logs.CreateLogger("queue"));
        transport.FailNext(1, retryAfter: TimeSpan.FromMinutes(10));
        delivery.Enqueue(Batch(1));
        await WaitUntil(() => delivery.BackoffWaits == 1, "outage");
        for (var i = 0; i < 6; i++) delivery.Enqueue(Batch(1));
        Assert.Equal(5, stats.Snapshot().Dropped["buffer_full"].Batches);
        Assert.Single(logs.WithEventId(1012));

        time.Advance(TimeSpan.FromMinutes(5));
        delivery.Enqueue(Batch(1));
        Assert.Equal([1L, 5L], logs.WithEventId(1012).Select(l => (long)l["Count"]!));
        time.Advance(TimeSpan.FromMinutes(5));
        await delivery.WhenEmptyAsync(TestContext.Current.CancellationToken);
        await delivery.StopAsync(TimeSpan.Zero);
    }
}
