using System.Collections.Concurrent;
using System.Text;
using Scouter.Ingestion;
using Scouter.Redis;
using Xunit;

namespace Scouter.IntegrationTests.Redis;

/// <summary>The consumer against a real Redis and a scripted sink (no server).</summary>
public sealed class RedisRecordSourceTests
{
    [Fact]
    public async Task Stop_WithBatchesInFlight_FinishesAndAcknowledgesThemBeforeReturning()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        for (var i = 0; i < 10; i++) await stream.Db.StreamAddAsync(stream.Name, "batch", $"batch-{i}");
        var sink = new ScriptedSink { Delay = TimeSpan.FromSeconds(1) };
        var source = new RedisRecordSource(new RedisConfig { Address = stream.Address, Stream = stream.Name, PollInterval = TimeSpan.FromMilliseconds(20) });

        using var stopping = new CancellationTokenSource();
        var run = source.RunAsync(sink, stopping.Token);
        await sink.WaitForStartedAsync(10, ct);
        await stopping.CancelAsync();
        // More entries after the stop: they must not be fetched.
        await stream.Db.StreamAddAsync(stream.Name, "batch", "late");
        await run.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(10, sink.Completed);
        Assert.Equal(0, await stream.PendingAsync());
        Assert.DoesNotContain("late", sink.Bodies);
    }

    [Fact]
    public async Task RetryLater_IsRetriedUntilStored_WithoutAcknowledgingBefore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await stream.Db.StreamAddAsync(stream.Name, "batch", "busy-then-stored");
        var sink = new ScriptedSink { RetryLaterTimes = 3 };
        var source = new RedisRecordSource(new RedisConfig { Address = stream.Address, Stream = stream.Name, PollInterval = TimeSpan.FromMilliseconds(20) });

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = source.RunAsync(sink, stopping.Token);
        await sink.WaitForStartedAsync(2, ct);
        Assert.Equal(1, await stream.PendingAsync());
        await sink.WaitForCompletedAsync(1, ct);
        await WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        await stopping.CancelAsync();
        await run;

        Assert.Equal(4, sink.Attempts);
        Assert.Empty(await stream.DeadLettersAsync());
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct, double seconds = 10)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "condition not met in time");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>A sink that answers Stored after an optional delay and a number of RetryLater answers.</summary>
    private sealed class ScriptedSink : IRecordBatchSink
    {
        private int _started;
        private int _completed;
        private int _retryLaterLeft;

        public TimeSpan Delay { get; init; }

        public int RetryLaterTimes
        {
            init => _retryLaterLeft = value;
        }

        public ConcurrentBag<string> Bodies { get; } = [];

        public int Attempts => Volatile.Read(ref _started);

        public int Completed => Volatile.Read(ref _completed);

        public async Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            Bodies.Add(Encoding.UTF8.GetString(body.Span));
            if (Interlocked.Decrement(ref _retryLaterLeft) >= 0) return new RecordSinkResult(RecordSinkStatus.RetryLater, 0, "busy");
            await Task.Delay(Delay, CancellationToken.None);
            Interlocked.Increment(ref _completed);
            return new RecordSinkResult(RecordSinkStatus.Stored, 1);
        }

        public Task WaitForStartedAsync(int count, CancellationToken ct) => WaitUntilAsync(() => Task.FromResult(Attempts >= count), ct);

        public Task WaitForCompletedAsync(int count, CancellationToken ct) => WaitUntilAsync(() => Task.FromResult(Completed >= count), ct);
    }
}
