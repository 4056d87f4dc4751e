using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

/// <summary>Records refused before sending, by the receiver's answer, or with their whole batch: counted by code, each once.</summary>
public class RejectedRecordsTests
{
    private static (ScouterQueue Queue, LogCapture Logs) CreateQueue(string alias, DriftProfile profile, IRecordTransport transport)
    {
        var logs = new LogCapture();
        var options = new ScouterQueueOptions { TimeProvider = new FakeTimeProvider(), RandomSeed = 42, MaxConcurrentSends = 1, LoggerFactory = logs };
        return (ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { [alias] = profile }, transport, options), logs);
    }

    private static void InsertPsi(ScouterQueue queue, int rows)
    {
        for (var i = 0; i < rows; i++) queue["psi"].Insert(new Features([new Feature("x", i % 10), new Feature("c", "a")]));
    }

    [Fact]
    public async Task RecordsTheTransportRefuses_AreCountedByCode_EachOnce()
    {
        // Each PSI batch holds two records (x, c). The answer lists record 1 twice and an index outside the batch.
        var transport = new AnsweringTransport(batch =>
        [
            new RejectedRecord(1, "unknown_bin", "records[1].bin_counts.9", "no bin 9"),
            new RejectedRecord(1, "unknown_bin", "records[1].bin_counts.9", "no bin 9"),
            new RejectedRecord(7, "unknown_bin", "records[7]", "not in the batch"),
        ]);
        var (queue, logs) = CreateQueue("psi", PsiProfile(), transport);
        await using var _q = queue;
        InsertPsi(queue, 2000);
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var stats = queue.Statistics;
        Assert.Equal(2, stats.BatchesSent);
        Assert.Equal(new Dictionary<string, long> { ["unknown_bin"] = 2 }, stats.RejectedRecords);
        Assert.Equal(2, stats.RecordsSent); // four records cut, two refused
        var line = Assert.Single(logs.WithEventId(1003)); // the second batch's refusal is within the log interval
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal("unknown_bin", line["Code"]);
        Assert.Equal("psi", line["Alias"]);
        Assert.Equal("records[1].bin_counts.9", line["Field"]);
    }

    [Fact]
    public async Task BatchRefusedWithNonRetryableFailure_CountsAllItsRecordsByTheFailureCode()
    {
        var transport = new AnsweringTransport(_ => throw new TransportException("413 payload_too_large: too big", retryable: false) { Code = "payload_too_large" });
        var (queue, logs) = CreateQueue("psi", PsiProfile(), transport);
        await using var _q = queue;
        InsertPsi(queue, 10);
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var stats = queue.Statistics;
        Assert.Equal(new Dictionary<string, long> { ["payload_too_large"] = 2 }, stats.RejectedRecords);
        Assert.Equal((0L, 0L, 0L), (stats.BatchesSent, stats.RecordsSent, stats.Retries));
        Assert.All(stats.Dropped.Values, d => Assert.Equal(default, d));
        var line = Assert.Single(logs.WithEventId(1011));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("too big", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownProfile_LogsTheAliasTheUidAndTheFix()
    {
        var profile = PsiProfile();
        var transport = new AnsweringTransport(batch =>
            [.. batch.Records.Select((r, i) => new RejectedRecord(i, "unknown_profile", $"records[{i}].uid", $"No profile with uid {r.Uid}."))]);
        var (queue, logs) = CreateQueue("psi", profile, transport);
        await using var _q = queue;
        InsertPsi(queue, 10);
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<string, long> { ["unknown_profile"] = 2 }, queue.Statistics.RejectedRecords);
        var line = Assert.Single(logs.WithEventId(1004));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal("psi", line["Alias"]);
        Assert.Equal(profile.Config.Uid, line["Uid"]);
        Assert.Equal(2L, line["Count"]);
        Assert.Contains("RegisterProfileAsync", line.Message, StringComparison.Ordinal);
        Assert.Contains(".Save(path)", line.Message, StringComparison.Ordinal);
        Assert.Empty(logs.WithEventId(1003));
    }

    [Fact]
    public async Task InvalidRecords_AreRefusedByTheQueueBeforeSending()
    {
        // An SPC value of 1e200 makes a (flushed, partial) sample mean beyond RecordLimits.MaxAbsValue: no receiver would store it.
        var transport = new InMemoryTransport { ValidateRecords = false };
        var (queue, logs) = CreateQueue("spc", SpcProfile(sampleSize: 2), transport);
        await using var _q = queue;
        queue["spc"].Insert(new Features([new Feature("a", 1e200), new Feature("b", 1.0)]));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var sent = Assert.IsType<SpcRecord>(Assert.Single(transport.Records));
        Assert.Equal("b", sent.Feature);
        var stats = queue.Statistics;
        Assert.Equal(new Dictionary<string, long> { ["value_out_of_range"] = 1 }, stats.RejectedRecords);
        Assert.Equal(1, stats.RecordsSent);
        var line = Assert.Single(logs.WithEventId(1003));
        Assert.Equal("the queue's record check", line["Source"]);
        Assert.Equal("records[0].mean", line["Field"]);
    }

    [Fact]
    public async Task CutWithOnlyInvalidRecords_SendsNoBatch()
    {
        var transport = new InMemoryTransport { ValidateRecords = false };
        var (queue, _) = CreateQueue("spc", SpcProfile(sampleSize: 2), transport);
        await using var _q = queue;
        queue["spc"].Insert(new Features([new Feature("a", -1e200)]));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, transport.SendAttempts);
        Assert.Equal(new Dictionary<string, long> { ["value_out_of_range"] = 1 }, queue.Statistics.RejectedRecords);
    }

    /// <summary>A transport whose answer (or failure) a test writes.</summary>
    private sealed class AnsweringTransport(Func<RecordBatch, IReadOnlyList<RejectedRecord>> answer) : IRecordTransport
    {
        public string Name => "answering";

        public Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken) => Task.FromResult(answer(batch));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
