using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests;

/// <summary>What a <see cref="TransportException"/> thrown by a transport makes the queue do.</summary>
public class TransportExceptionTests
{
    /// <summary>Throws <paramref name="error"/> on the first send and accepts the later ones; records the clock at each attempt.</summary>
    private sealed class FailFirstTransport(Exception error, TimeProvider time) : IRecordTransport
    {
        private int _calls;

        public ConcurrentQueue<DateTimeOffset> Attempts { get; } = new();

        public ConcurrentQueue<RecordBatch> Accepted { get; } = new();

        public string Name => "fail-first";

        public Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
        {
            Attempts.Enqueue(time.GetUtcNow());
            if (Interlocked.Increment(ref _calls) == 1) throw error;
            Accepted.Enqueue(batch);
            return Task.FromResult<IReadOnlyList<RejectedRecord>>([]);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static (ScouterQueue Queue, FailFirstTransport Transport, FakeTimeProvider Time) Create(Exception error)
    {
        var time = new FakeTimeProvider();
        var transport = new FailFirstTransport(error, time);
        var options = new ScouterQueueOptions { TimeProvider = time, RandomSeed = 42, MaxConcurrentSends = 1 };
        // Sample size 1: every insert is cut into its own batch at once.
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["custom"] = CustomProfile(sampleSize: 1) }, transport, options);
        return (queue, transport, time);
    }

    [Fact]
    public async Task NotRetryable_CountsTheBatchsRecordsAsRejected_AfterOneAttempt()
    {
        var (queue, transport, _) = Create(new TransportException("invalid", retryable: false));
        await using var _q = queue;

        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));
        // Nothing advances the fake clock: a retry would never come and the flush would time out.
        await queue.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var stats = queue.Statistics;
        // A failure without a problem code counts its records under "rejected"; nothing is dropped besides.
        Assert.Equal(1, stats.RejectedRecords["rejected"]);
        Assert.All(stats.Dropped.Values, d => Assert.Equal(default, d));
        Assert.Equal(0, stats.Retries);
        Assert.Single(transport.Attempts);
        Assert.Empty(transport.Accepted);
    }

    [Fact]
    public async Task RetryAfter_IsExactlyTheDelayBeforeTheNextAttempt()
    {
        var (queue, transport, time) = Create(new TransportException("busy", retryable: true, TimeSpan.FromSeconds(5)));
        await using var _q = queue;

        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));
        await WaitUntil(() => queue.Statistics.Retries == 1, "the failed first attempt");
        // The jittered backoff alone is under 200 ms: an ignored Retry-After would resend during the first advance.
        time.Advance(TimeSpan.FromSeconds(4.9));
        time.Advance(TimeSpan.FromSeconds(0.1));
        await WaitUntil(() => transport.Accepted.Count == 1, "the second attempt");

        var attempts = transport.Attempts.ToArray();
        Assert.Equal(2, attempts.Length);
        Assert.Equal(TimeSpan.FromSeconds(5), attempts[1] - attempts[0]);
        Assert.Equal(1, queue.Statistics.BatchesSent);
    }

    public static TheoryData<string> RetriedErrors => ["retryable transport exception", "other exception"];

    [Theory]
    [MemberData(nameof(RetriedErrors))]
    public async Task RetryableOrOtherException_IsRetried_NotDropped(string kind)
    {
        Exception error = kind == "other exception" ? new InvalidOperationException("socket closed") : new TransportException("down", retryable: true);
        var (queue, transport, time) = Create(error);
        await using var _q = queue;

        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));
        await WaitUntil(() => queue.Statistics.Retries == 1, "the failed first attempt");
        time.Advance(TimeSpan.FromSeconds(1)); // past the first backoff (under 200 ms)
        await queue.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var stats = queue.Statistics;
        Assert.Equal(1, stats.Retries);
        Assert.Equal(1, stats.BatchesSent);
        Assert.Equal(0, stats.Dropped.Values.Sum(d => d.Items));
        Assert.Equal(2, transport.Attempts.Count);
        Assert.Single(transport.Accepted);
    }
}
