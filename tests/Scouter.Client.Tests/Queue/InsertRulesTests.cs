using Microsoft.Extensions.Logging;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

/// <summary>The insert rules every aggregator follows: text in numeric features, unknown names, inserts sharing no name, metric bounds.</summary>
public class InsertRulesTests
{
    private static Features F(params Feature[] features) => new(features);

    private static Dictionary<int, long> BinTotals(InMemoryTransport transport, string feature) =>
        RecordsOf<PsiRecord>(transport).Where(r => r.Feature == feature).SelectMany(r => r.BinCounts)
            .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    [Fact]
    public async Task Psi_TextInNumericFeature_IsMissingAndCountedNotNumeric_AndEveryRecordIsAccepted()
    {
        var logs = new LogCapture();
        var (queue, transport, _) = Create("psi", PsiProfile(), o => o.LoggerFactory = logs);
        await using var _q = queue;
        for (var i = 0; i < 3000; i++)
        {
            var x = i % 10 == 0 ? new Feature("x", "N/A") : new Feature("x", (i % 10) + 1);
            queue["psi"].Insert(F(x, new Feature("c", "a")));
        }
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        // x = 2..10 on nine rows of ten (edges 3.25, 5.5, 7.75): {2,3} bin 1, {4,5} bin 2, {6,7} bin 3, {8,9,10} bin 4.
        Assert.Equal(new Dictionary<int, long> { [0] = 300, [1] = 600, [2] = 600, [3] = 600, [4] = 900 }, BinTotals(transport, "x"));
        Assert.Equal(new Dictionary<int, long> { [1] = 3000 }, BinTotals(transport, "c"));
        var stats = queue.Statistics;
        Assert.Equal(300, stats.Errors["not_numeric"]);
        Assert.Equal(300, stats.Errors.Values.Sum());
        Assert.Empty(stats.RejectedRecords);
        Assert.Equal(6, stats.RecordsSent); // three cuts of 1 000 inserts, two features each: all accepted by the transport's check
        Assert.Equal(6, transport.Records.Count);
        var line = Assert.Single(logs.WithEventId(1001));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("not_numeric", line["Kind"]);
        Assert.Contains("'N/A'", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psi_NumberStrings_AreBinnedAsNumbers_NaNSpellingsAreMissingWithoutError()
    {
        var (queue, transport, _) = Create("psi", PsiProfile());
        await using var _q = queue;
        foreach (var x in new[] { "4.5", " 1e1 ", "-inf", "NaN", "N/A", "3,5" }) queue["psi"].Insert(F(new Feature("x", x), new Feature("c", "b")));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var x1 = Assert.Single(RecordsOf<PsiRecord>(transport), r => r.Feature == "x");
        Assert.Equal(new Dictionary<int, long> { [2] = 1, [4] = 1, [0] = 4 }, x1.BinCounts.ToDictionary());
        Assert.Equal(2, queue.Statistics.Errors["not_numeric"]); // "N/A" and "3,5" (the invariant culture has no decimal comma)
    }

    [Fact]
    public async Task Spc_TextInNumericFeature_IsLeftOutOfTheSample_AndCountedNotNumeric()
    {
        var (queue, transport, _) = Create("spc", SpcProfile(sampleSize: 10));
        await using var _q = queue;
        for (var i = 0; i < 100; i++)
        {
            var a = i % 10 == 0 ? new Feature("a", "N/A") : new Feature("a", i);
            queue["spc"].Insert(F(a, new Feature("b", "2.5")));
        }
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var present = Enumerable.Range(0, 100).Where(i => i % 10 != 0).Select(i => (double)i).ToArray();
        var expected = present.Chunk(10).Select(c => (c.Average(), 10L)).ToArray();
        var records = RecordsOf<SpcRecord>(transport);
        Assert.Equal(expected, records.Where(r => r.Feature == "a").Select(r => (r.Mean, r.Count)));
        Assert.Equal(Enumerable.Repeat((2.5, 10L), 10), records.Where(r => r.Feature == "b").Select(r => (r.Mean, r.Count)));
        Assert.Equal(10, queue.Statistics.Errors["not_numeric"]);
        Assert.Empty(queue.Statistics.RejectedRecords);
    }

    [Fact]
    public async Task UnknownFeatureNames_AreCountedAndIgnored()
    {
        var logs = new LogCapture();
        var (queue, transport, _) = Create("psi", PsiProfile(), o => o.LoggerFactory = logs);
        await using var _q = queue;
        for (var i = 0; i < 4; i++) queue["psi"].Insert(F(new("x", 1.0), new("c", "a"), new("extra", 5.0), new("other", "z")));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var records = RecordsOf<PsiRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal(["c", "x"], records.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<int, long> { [1] = 4 }, records["x"].BinCounts.ToDictionary());
        Assert.Equal(new Dictionary<int, long> { [1] = 4 }, records["c"].BinCounts.ToDictionary());
        Assert.Equal(8, queue.Statistics.Errors["unknown_feature"]);
        var line = Assert.Single(logs.WithEventId(1001));
        Assert.Equal("unknown_feature", line["Kind"]);
        Assert.Contains("'extra'", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spc_UnknownFeatureNames_AreCountedAndIgnored()
    {
        var (queue, transport, _) = Create("spc", SpcProfile(sampleSize: 3));
        await using var _q = queue;
        for (var i = 1; i <= 3; i++) queue["spc"].Insert(F(new("a", (double)i), new("zzz", 2.0)));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var record = Assert.Single(RecordsOf<SpcRecord>(transport));
        Assert.Equal(("a", 2.0, 3L), (record.Feature, record.Mean, record.Count));
        Assert.Equal(3, queue.Statistics.Errors["unknown_feature"]);
    }

    [Fact]
    public async Task Psi_InsertSharingNoName_IsAnErrorOfItsOwn_NotCountedAsMissing()
    {
        var logs = new LogCapture();
        var (queue, transport, _) = Create("psi", PsiProfile(), o => o.LoggerFactory = logs);
        await using var _q = queue;
        for (var i = 0; i < 5; i++) queue["psi"].Insert(new Features(new Dictionary<string, object?> { ["age"] = 1, ["name"] = "bob" }));
        queue["psi"].Insert(F(new("x", 2.0), new("c", "b")));
        queue["psi"].Insert(F());
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var records = RecordsOf<PsiRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal(new Dictionary<int, long> { [1] = 1 }, records["x"].BinCounts.ToDictionary());
        Assert.Equal(new Dictionary<int, long> { [2] = 1 }, records["c"].BinCounts.ToDictionary());
        var stats = queue.Statistics;
        Assert.Equal(6, stats.Errors["no_known_features"]);
        Assert.Equal(0, stats.Errors["unknown_feature"]);
        Assert.Equal(7, stats.Aggregated);
        var line = Assert.Single(logs.WithEventId(1001));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("no_known_features", line["Kind"]);
        Assert.Contains("'age'", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spc_InsertSharingNoName_IsAnErrorOfItsOwn()
    {
        var (queue, transport, _) = Create("spc", SpcProfile(sampleSize: 2));
        await using var _q = queue;
        queue["spc"].Insert(F(new Feature("zzz", 1.0)));
        queue["spc"].Insert(F(new Feature("a", 4.0)));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var record = Assert.Single(RecordsOf<SpcRecord>(transport));
        Assert.Equal(("a", 4.0, 1L), (record.Feature, record.Mean, record.Count));
        Assert.Equal(1, queue.Statistics.Errors["no_known_features"]);
        Assert.Equal(0, queue.Statistics.Errors["unknown_feature"]);
    }

    [Fact]
    public async Task Custom_InsertSharingNoMetric_IsNotAggregated_NorCountedTowardsTheSampleSize()
    {
        var (queue, transport, _) = Create("custom", CustomProfile(sampleSize: 3));
        await using var _q = queue;
        queue["custom"].Insert(new Metrics([new Metric("zzz", 1)]));
        queue["custom"].Insert(new Metrics([new Metric("zzz", 1)]));
        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));
        queue["custom"].Insert(new Metrics([new Metric("mae", 2)]));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        // Counted towards sample_size, the third insert would have cut a batch of its own.
        var batch = Assert.Single(transport.Batches);
        var record = Assert.IsType<CustomRecord>(Assert.Single(batch.Records));
        Assert.Equal(("mae", 3.0, 2L), (record.Metric, record.Sum, record.Count));
        Assert.Equal(2, queue.Statistics.Errors["no_known_metrics"]);
        Assert.Equal(0, queue.Statistics.Errors["unknown_metric"]);
    }

    [Fact]
    public async Task Custom_ValueBeyondMaxAbsValue_IsValueOutOfRange_AndNotAggregated()
    {
        var (queue, transport, _) = Create("custom", CustomProfile(sampleSize: 10));
        await using var _q = queue;
        queue["custom"].Insert(new Metrics([new Metric("mae", 1e101), new Metric("rmse", 1)]));
        queue["custom"].Insert(new Metrics([new Metric("mae", 2), new Metric("rmse", -1e101)]));
        queue["custom"].Insert(new Metrics([new Metric("mae", RecordLimits.MaxAbsValue)]));
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var records = RecordsOf<CustomRecord>(transport).ToDictionary(r => r.Metric);
        Assert.Equal((2 + 1e100, 2L), (records["mae"].Sum, records["mae"].Count));
        Assert.Equal((1.0, 1L), (records["rmse"].Sum, records["rmse"].Count));
        Assert.Equal(2, queue.Statistics.Errors["value_out_of_range"]);
        Assert.Empty(queue.Statistics.RejectedRecords);
    }
}
