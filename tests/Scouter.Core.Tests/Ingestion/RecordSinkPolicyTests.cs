using Microsoft.Extensions.Time.Testing;
using Scouter.Ingestion;
using Scouter.Records;
using Scouter.Resilience;
using Xunit;

namespace Scouter.Core.Tests.Ingestion;

public sealed class RecordSinkPolicyTests
{
    private static readonly byte[] Message = "{\"batch_id\":\"m\"}"u8.ToArray();
    private static readonly byte[] DeadLetter = "{\"batch_id\":\"m\",\"rejected\":[]}"u8.ToArray();

    [Fact]
    public void Decide_StoredWithDeadLetter_DeadLettersOnlyTheRefusedRecordsWithTheirCodes()
    {
        var result = new RecordSinkResult(RecordSinkStatus.Stored, 5)
        {
            Rejected = [new RejectedRecord(1, "invalid_value", "records[1].value", "NaN"), new RejectedRecord(3, "unknown_feature", "records[3].feature", "x")],
            DeadLetter = DeadLetter,
        };

        var decision = RecordSinkPolicy.Decide(result, Message);

        Assert.Equal(RecordAction.DeadLetterRejected, decision.Action);
        Assert.Equal(DeadLetter, decision.DeadLetterBody.ToArray());
        Assert.Equal("rejected_records: 2 of 5 records refused: invalid_value (records[1].value); unknown_feature (records[3].feature)", decision.Reason);
    }

    [Fact]
    public void DescribeRejected_ListsTheFirstTenAndCountsTheRest()
    {
        var result = new RecordSinkResult(RecordSinkStatus.Stored, 20)
        {
            Rejected = [.. Enumerable.Range(0, 12).Select(i => new RejectedRecord(i, $"code{i}", $"records[{i}].value", "bad"))],
        };

        var reason = RecordSinkPolicy.DescribeRejected(result);

        Assert.Contains("code9 (records[9].value)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("code10", reason, StringComparison.Ordinal);
        Assert.EndsWith("; and 2 more", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RecordSinkStatus.Stored, RecordAction.Acknowledge)]
    [InlineData(RecordSinkStatus.Duplicate, RecordAction.Acknowledge)]
    [InlineData(RecordSinkStatus.Invalid, RecordAction.DeadLetterMessage)]
    [InlineData(RecordSinkStatus.RetryLater, RecordAction.Keep)]
    public void Decide_MapsEachStatusToOneAction(RecordSinkStatus status, RecordAction action) =>
        Assert.Equal(action, RecordSinkPolicy.Decide(new RecordSinkResult(status, 1, "e"), Message).Action);

    [Fact]
    public void Decide_Invalid_DeadLettersTheMessageItselfWithTheSinkError()
    {
        var decision = RecordSinkPolicy.Decide(new RecordSinkResult(RecordSinkStatus.Invalid, 0, "invalid_json: not JSON"), Message);

        Assert.Equal(Message, decision.DeadLetterBody.ToArray());
        Assert.Equal("invalid_json: not JSON", decision.Reason);
    }

    [Fact]
    public void Decide_DuplicateWithRejectedRecordsButNoDeadLetter_OnlyAcknowledges()
    {
        var result = new RecordSinkResult(RecordSinkStatus.Duplicate, 5) { Rejected = [new RejectedRecord(0, "c", "records[0]", "d")] };

        var decision = RecordSinkPolicy.Decide(result, Message);

        Assert.Equal(RecordAction.Acknowledge, decision.Action);
        Assert.True(decision.DeadLetterBody.IsEmpty);
    }

    [Fact]
    public void Decide_DuplicateWithADeadLetter_DeadLettersTheRejectedRecordsAgain()
    {
        byte[] deadLetter = [1, 2, 3];
        var result = new RecordSinkResult(RecordSinkStatus.Duplicate, 5) { Rejected = [new RejectedRecord(0, "c", "records[0]", "d")], DeadLetter = deadLetter };

        var decision = RecordSinkPolicy.Decide(result, Message);

        Assert.Equal(RecordAction.DeadLetterRejected, decision.Action);
        Assert.Equal(deadLetter, decision.DeadLetterBody.ToArray());
    }

    [Fact]
    public async Task IngestAsync_RetryLaterThenStored_WaitsTheBackoffOnTheClockBetweenAttempts()
    {
        var time = new FakeTimeProvider();
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), new Random(3));
        var policy = new RecordSinkPolicy(time, backoff);
        var sink = new ScriptedSink(new RecordSinkResult(RecordSinkStatus.RetryLater, 0, "queue_full"), new RecordSinkResult(RecordSinkStatus.Stored, 2));
        var retries = new List<RecordRetry>();

        var ingesting = policy.IngestAsync(sink, Message, retries.Add, CancellationToken.None);
        Assert.Equal(1, sink.Calls);
        Assert.False(ingesting.IsCompleted);
        var retry = Assert.Single(retries);
        Assert.Equal(1, retry.Attempt);
        Assert.Equal("queue_full", retry.Error);
        Assert.InRange(retry.Delay, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        time.Advance(retry.Delay + TimeSpan.FromTicks(1));
        var decision = await ingesting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(RecordAction.Acknowledge, decision.Action);
        Assert.Equal(2, sink.Calls);
    }

    [Fact]
    public async Task IngestAsync_SinkThrows_IsRetriedAndReportsTheException()
    {
        var time = new FakeTimeProvider();
        var policy = new RecordSinkPolicy(time);
        var sink = new ScriptedSink(null, new RecordSinkResult(RecordSinkStatus.Invalid, 0, "bad"));
        var retries = new List<RecordRetry>();

        var ingesting = policy.IngestAsync(sink, Message, retries.Add, CancellationToken.None);
        time.Advance(RecordSinkPolicy.DefaultMaxDelay);
        var decision = await ingesting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.IsType<InvalidOperationException>(Assert.Single(retries).Exception);
        Assert.Equal(RecordAction.DeadLetterMessage, decision.Action);
    }

    [Fact]
    public async Task IngestAsync_MessageOverTheLimit_IsDeadLetteredWithTheReason_WithoutReachingTheSink()
    {
        var policy = new RecordSinkPolicy(new FakeTimeProvider(), maxMessageBytes: 10);
        var sink = new ScriptedSink(new RecordSinkResult(RecordSinkStatus.Stored, 1));
        var message = new byte[11];

        var decision = await policy.IngestAsync(sink, message, null, CancellationToken.None);

        Assert.Equal(0, sink.Calls);
        Assert.Equal(RecordAction.DeadLetterMessage, decision.Action);
        Assert.Equal("payload_too_large (field body): 11 bytes exceeds 10", decision.Reason);
        Assert.Equal(11, decision.DeadLetterBody.Length);
    }

    [Fact]
    public async Task IngestAsync_MessageOfExactlyTheLimit_GoesToTheSink()
    {
        var policy = new RecordSinkPolicy(new FakeTimeProvider(), maxMessageBytes: 10);
        var sink = new ScriptedSink(new RecordSinkResult(RecordSinkStatus.Stored, 1));

        var decision = await policy.IngestAsync(sink, new byte[10], null, CancellationToken.None);

        Assert.Equal(1, sink.Calls);
        Assert.Equal(RecordAction.Acknowledge, decision.Action);
    }

    [Fact]
    public void DefaultLimit_IsTheServersDefaultBodyLimit_16MiB()
    {
        Assert.Equal(16 * 1024 * 1024, new RecordSinkPolicy().MaxMessageBytes);
        Assert.Equal(16 * 1024 * 1024, RecordLimits.MaxMessageBytes);
    }

    [Fact]
    public async Task IngestAsync_StoppingDuringTheWait_KeepsTheMessage()
    {
        var time = new FakeTimeProvider();
        var policy = new RecordSinkPolicy(time);
        var sink = new ScriptedSink(new RecordSinkResult(RecordSinkStatus.RetryLater, 0, "database_down"));
        using var stop = new CancellationTokenSource();

        var ingesting = policy.IngestAsync(sink, Message, null, stop.Token);
        await stop.CancelAsync();
        var decision = await ingesting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(RecordAction.Keep, decision.Action);
        Assert.Equal(1, sink.Calls);
    }

    /// <summary>Answers the scripted results in order (null: throws), then repeats the last.</summary>
    private sealed class ScriptedSink(params RecordSinkResult?[] results) : IRecordBatchSink
    {
        public int Calls { get; private set; }

        public Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            var result = results[Math.Min(Calls++, results.Length - 1)];
            return result is { } r ? Task.FromResult(r) : throw new InvalidOperationException("sink failed");
        }
    }
}
