using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Scouter.IntegrationTests.Fixtures;
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

    [Fact]
    public async Task StoredWithRejectedRecords_DeadLettersOnlyThemWithTheReason_ThenAcknowledgesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await stream.Db.StreamAddAsync(stream.Name, "batch", "partly-valid");
        var sink = new PartlyStoredSink();
        var source = new RedisRecordSource(new RedisConfig { Address = stream.Address, Stream = stream.Name, PollInterval = TimeSpan.FromMilliseconds(20) });

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = source.RunAsync(sink, stopping.Token);
        await WaitUntilAsync(async () => (await stream.DeadLettersAsync()).Length > 0 && await stream.PendingAsync() == 0, ct);
        await stopping.CancelAsync();
        await run;

        var dead = Assert.Single(await stream.DeadLettersAsync());
        Assert.Equal(sink.DeadLetter, (byte[])dead["batch"]!);
        PartlyStoredSink.AssertReasonListsRejected(dead["error"]);
        Assert.Equal(1, sink.Calls);
        Assert.Equal(0, await stream.PendingAsync());
        // Acknowledged and deleted: nothing left for another consumer.
        Assert.Equal(0, await stream.Db.StreamLengthAsync(stream.Name));
    }

    [Fact]
    public async Task DeadLetterWriteFails_EntryStaysPending_UntilTheWriteSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        // A string where the dead-letter stream belongs: XADD to it fails (WRONGTYPE).
        await stream.Db.StringSetAsync(stream.DeadLetterName, "in the way");
        await stream.Db.StreamAddAsync(stream.Name, "batch", "partly-valid");
        var sink = new PartlyStoredSink();
        var logs = new LogCapture();
        var source = new RedisRecordSource(new RedisConfig { Address = stream.Address, Stream = stream.Name, PollInterval = TimeSpan.FromMilliseconds(20) }, logs);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = source.RunAsync(sink, stopping.Token);
        await logs.WaitForAsync(1410, 2, TimeSpan.FromSeconds(10), ct);
        Assert.Equal(1, await stream.PendingAsync());
        Assert.Equal(1, await stream.Db.StreamLengthAsync(stream.Name));

        await stream.Db.KeyDeleteAsync(stream.DeadLetterName);
        await WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        await stopping.CancelAsync();
        await run;

        var dead = Assert.Single(await stream.DeadLettersAsync());
        Assert.Equal(sink.DeadLetter, (byte[])dead["batch"]!);
        Assert.Equal(1, sink.Calls);
    }

    [Fact]
    public async Task RedisUnreachable_LogsOneWarningPerOutage_AndOneLineWhenBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await using var proxy = new TcpProxy(int.Parse(stream.Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var logs = new LogCapture();
        var source = new RedisRecordSource(new RedisConfig
        {
            Address = $"127.0.0.1:{proxy.Port}", Stream = stream.Name, PollInterval = TimeSpan.FromMilliseconds(20),
            SendTimeout = TimeSpan.FromSeconds(1), TimeProvider = time,
        }, logs);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = source.RunAsync(new PartlyStoredSink(), stopping.Token);
        // Each failed attempt waits its backoff on the fake clock: advancing it lets the next attempt run.
        await logs.WaitForAsync(1441, 3, TimeSpan.FromSeconds(30), ct, () => time.Advance(TimeSpan.FromSeconds(5)));

        var warning = Assert.Single(logs.WithId(1440));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains($"127.0.0.1:{proxy.Port}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("since", warning.Message, StringComparison.Ordinal);
        Assert.Null(warning.Exception);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && e.EventId != 1440);

        proxy.Open();
        await logs.WaitForAsync(1442, 1, TimeSpan.FromSeconds(30), ct, () => time.Advance(TimeSpan.FromSeconds(5)));
        await stopping.CancelAsync();
        await run;

        var back = Assert.Single(logs.WithId(1442));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, back.Level);
        Assert.Contains("after an outage of", back.Message, StringComparison.Ordinal);
        Assert.Single(logs.WithId(1440));
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
