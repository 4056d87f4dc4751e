using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

public class AggregationTests
{
    private static Features F(params Feature[] features) => new(features);

    [Fact]
    public async Task Psi_CountsBinsIncludingMissingAndUnseen()
    {
        var profile = PsiProfile();
        Assert.Equal([3.25, 5.5, 7.75], profile.Features["x"].Edges!);
        Assert.Equal(["a", "b", "c"], profile.Features["c"].Categories!);
        var (queue, transport, _) = Create("psi", profile);
        await using var _q = queue;

        queue["psi"].Insert(F(new("x", 1.0), new("c", "a")));          // x bin 1, c bin 1
        queue["psi"].Insert(F(new("x", 3.25), new("c", "c")));         // right-closed: bin 1; c bin 3
        queue["psi"].Insert(F(new("x", 3.3), new("c", "zzz")));        // bin 2; unseen
        queue["psi"].Insert(F(new("x", 5.5), new("c", (string?)null))); // bin 2; missing
        queue["psi"].Insert(F(new("x", 6), new("c", "c")));            // bin 3 (int); c bin 3
        queue["psi"].Insert(F(new Feature("x", 100.0)));                       // bin 4; c absent → missing
        queue["psi"].Insert(F(new("x", double.NaN), new("c", "b")));   // missing; bin 2
        queue["psi"].Insert(F(new Feature("c", "  ")));                        // x absent → missing; blank → missing
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var records = RecordsOf<PsiRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal(new Dictionary<int, long> { [1] = 2, [2] = 2, [3] = 1, [4] = 1, [0] = 2 }, records["x"].BinCounts.ToDictionary());
        Assert.Equal(new Dictionary<int, long> { [1] = 1, [3] = 2, [-1] = 1, [0] = 3, [2] = 1 }, records["c"].BinCounts.ToDictionary());
        Assert.All(records.Values, r => Assert.Equal(profile.Config.Uid, r.Uid));
        var stats = queue.Statistics;
        Assert.Equal(8, stats.Inserted);
        Assert.Equal(8, stats.Aggregated);
        Assert.Equal(1, stats.BatchesSent);
        Assert.Equal(2, stats.RecordsSent);
    }

    [Fact]
    public async Task Psi_CutsEvery1000Inserts_AndTheRestAfterFlushInterval()
    {
        var (queue, transport, time) = Create("psi", PsiProfile());
        await using var _q = queue;
        for (var i = 0; i < 2500; i++) queue["psi"].Insert(F(new("x", i % 10), new("c", "a")));

        await WaitUntil(() => queue.Statistics.BatchesSent == 2 && queue.Statistics.Aggregated == 2500, "two count cuts");
        var start = time.GetUtcNow();

        time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntil(() => transport.Batches.Count == 3, "interval cut");
        var totals = transport.Batches.Select(b => b.Records.OfType<PsiRecord>().Single(r => r.Feature == "x").BinCounts.Values.Sum()).ToArray();
        Assert.Equal([1000L, 1000L, 500L], totals);
        Assert.All(transport.Batches, b => Assert.Equal(7, b.BatchId.Version));
        // The rest of 500 was cut by the interval, not early: its batch carries the advanced clock.
        Assert.Equal([start, start, start.AddSeconds(30)], transport.Batches.Select(b => b.SentAt));
    }

    [Fact]
    public async Task Spc_OneSamplePerSampleSizeValues_FeaturesIndependent()
    {
        var profile = SpcProfile(sampleSize: 3);
        var (queue, transport, _) = Create("spc", profile);
        await using var _q = queue;
        var spc = queue["spc"];
        spc.Insert(F(new("a", 1.0), new("b", 10.0)));
        spc.Insert(F(new Feature("a", 2.0)));                          // b absent
        spc.Insert(F(new("a", 3.0), new("b", double.NaN)));    // b missing
        spc.Insert(F(new("a", 4.0), new("b", 20.0)));
        spc.Insert(F(new("a", 6.0), new("b", 30.0), new("other", 1.0)));

        // a completed one sample (1, 2, 3), b one (10, 20, 30): a full round is cut without a flush.
        await WaitUntil(() => transport.Batches.Count == 1, "round of samples");
        var first = transport.Batches[0].Records.Cast<SpcRecord>().ToDictionary(r => r.Feature);
        Assert.Equal(2.0, first["a"].Mean, 12);
        Assert.Equal(3, first["a"].Count);
        Assert.Equal(20.0, first["b"].Mean, 12);
        Assert.Equal(3, first["b"].Count);

        await queue.FlushAsync(TestContext.Current.CancellationToken);
        var partial = Assert.Single(transport.Batches[1].Records.Cast<SpcRecord>());
        Assert.Equal("a", partial.Feature);
        Assert.Equal(5.0, partial.Mean, 12);
        Assert.Equal(2, partial.Count);
        Assert.Equal(profile.Config.Uid, partial.Uid);
    }

    [Fact]
    public async Task Custom_SumAndCountPerSampleSize_UnknownMetricCountedNotSent()
    {
        var (queue, transport, _) = Create("custom", CustomProfile(sampleSize: 3));
        await using var _q = queue;
        for (var i = 1; i <= 7; i++)
        {
            List<Metric> metrics = [new("mae", i), new("rmse", 2.0 * i)];
            if (i == 2) metrics.Add(new Metric("zzz", 1));
            queue["custom"].Insert(new Metrics(metrics));
        }
        await WaitUntil(() => transport.Batches.Count == 2, "two sample-size cuts");
        await queue.FlushAsync(TestContext.Current.CancellationToken);

        var batches = transport.Batches.Select(b => b.Records.Cast<CustomRecord>().ToDictionary(r => r.Metric)).ToArray();
        Assert.Equal(3, batches.Length);
        Assert.Equal((6.0, 3L), (batches[0]["mae"].Sum, batches[0]["mae"].Count));
        Assert.Equal((12.0, 3L), (batches[0]["rmse"].Sum, batches[0]["rmse"].Count));
        Assert.Equal((15.0, 3L), (batches[1]["mae"].Sum, batches[1]["mae"].Count));
        Assert.Equal((7.0, 1L), (batches[2]["mae"].Sum, batches[2]["mae"].Count));
        Assert.Equal((14.0, 1L), (batches[2]["rmse"].Sum, batches[2]["rmse"].Count));
        Assert.DoesNotContain(transport.Records.Cast<CustomRecord>(), r => r.Metric == "zzz");
        Assert.Equal(1, queue.Statistics.Errors["unknown_metric"]);
    }

    [Fact]
    public async Task Custom_PartialSampleCutAfterFlushInterval()
    {
        var (queue, transport, time) = Create("custom", CustomProfile(sampleSize: 25), o => o.FlushInterval = TimeSpan.FromSeconds(5));
        await using var _q = queue;
        queue["custom"].Insert(new Metrics([new Metric("mae", 1.5)]));
        queue["custom"].Insert(new Metrics([new Metric("mae", 2.5)]));
        await WaitUntil(() => queue.Statistics.Aggregated == 2, "aggregation");
        var start = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(4));
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => transport.Batches.Count == 1, "interval cut");
        // Cut by the 5 s interval, not at 4 s: the batch carries the clock at 5 s.
        Assert.Equal(start.AddSeconds(5), Assert.Single(transport.Batches).SentAt);
        var record = Assert.Single(RecordsOf<CustomRecord>(transport));
        Assert.Equal((4.0, 2L), (record.Sum, record.Count));
    }

    [Fact]
    public async Task Llm_RateOne_KeepsAll_CutEvery25()
    {
        var (queue, transport, _) = Create("llm", LlmProfile(1.0));
        await using var _q = queue;
        for (var i = 0; i < 60; i++) queue["llm"].Insert(new LlmRecord($"q{i}", "a", new Dictionary<string, object?> { ["k"] = i }));
        await WaitUntil(() => transport.Batches.Count == 2, "two cuts of 25");
        await queue.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal([25, 25, 10], transport.Batches.Select(b => b.Records.Count));
        var records = RecordsOf<LlmDriftRecord>(transport);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"q{i}"), records.Select(r => r.Input!.GetValue<string>()));
        Assert.Equal(60, records.Select(r => r.RecordId).Distinct().Count());
    }

    [Fact]
    public async Task Llm_HalfRate_KeepsAboutHalf_RepeatablyWithSeed()
    {
        async Task<int> KeptAsync()
        {
            var (queue, transport, _) = Create("llm", LlmProfile(0.5), o => o.RandomSeed = 7);
            await using (queue)
            {
                for (var i = 0; i < 4000; i++) queue["llm"].Insert(new LlmRecord("q", "a"));
                await queue.FlushAsync(TestContext.Current.CancellationToken);
                Assert.Equal(4000, queue.Statistics.Aggregated);
            }
            return transport.Records.Count;
        }

        var kept = await KeptAsync();
        // Binomial(4000, 0.5): sd ≈ 31.6; ±6 sd.
        Assert.InRange(kept, 1810, 2190);
        Assert.Equal(kept, await KeptAsync());
    }

    [Fact]
    public async Task WrongKind_IsCountedNotThrown()
    {
        var (queue, transport, _) = Create("psi", PsiProfile());
        await using var _q = queue;
        queue["psi"].Insert(new Metrics([new Metric("mae", 1)]));
        queue["psi"].Insert(new LlmRecord("q", "a"));
        queue["psi"].Insert((Features)null!);
        var stats = queue.Statistics;
        Assert.Equal(2, stats.Errors["wrong_kind"]);
        Assert.Equal(1, stats.Errors["null_value"]);
        Assert.Equal(0, stats.Inserted);
        await queue.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Empty(transport.Batches);
    }

    [Fact]
    public async Task FeatureSource_IsConvertedOnTheWorker()
    {
        var (queue, transport, _) = Create("psi", PsiProfile());
        await using var _q = queue;
        queue["psi"].Insert(new Request(4, "b"));
        await queue.FlushAsync(TestContext.Current.CancellationToken);
        var records = RecordsOf<PsiRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal(new Dictionary<int, long> { [2] = 1 }, records["x"].BinCounts.ToDictionary());
        Assert.Equal(new Dictionary<int, long> { [2] = 1 }, records["c"].BinCounts.ToDictionary());
    }

    [Fact]
    public async Task UnknownAlias_ThrowsNamingKnownAliases()
    {
        var (queue, _, _) = Create("psi", PsiProfile());
        await using var _q = queue;
        var ex = Assert.Throws<KeyNotFoundException>(() => queue["nope"]);
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("psi", ex.Message, StringComparison.Ordinal);
    }

    // Feature names are member names, matched case-sensitively against the profile's "x" and "c".
#pragma warning disable IDE1006
    public sealed record Request(double x, string? c) : IFeatureSource;
#pragma warning restore IDE1006
}
