using System.Text.Json.Nodes;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;

namespace Scouter.Client.Tests.Queue;

/// <summary>The queue splits a cut into batches within the receiver's limits (RecordLimits).</summary>
public class BatchSplittingTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 30, 23, 59, 59, 999, TimeSpan.FromHours(-9.5));

    private static PsiDriftProfile WideProfile(int features, Func<int, string> name) => new(
        new PsiDriftConfig { Space = "s", Name = "wide" },
        Enumerable.Range(0, features).ToDictionary(name, _ => new PsiFeatureProfile(FeatureKind.Numeric, [0.5], null, [0.5, 0.5], 0, 10, 0)));

    private static int JsonBytes(RecordBatch batch) => batch.ToUtf8Json().Length;

    private static async Task<(ScouterQueue Queue, InMemoryTransport Transport)> InsertOneRowAsync(PsiDriftProfile profile)
    {
        var transport = new InMemoryTransport();
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["wide"] = profile }, transport);
        queue["wide"].Insert(new Features(profile.Features.Keys.Select(n => new Feature(n, 1.0))));
        await queue.FlushAsync(TestContext.Current.CancellationToken);
        return (queue, transport);
    }

    [Fact]
    public async Task PsiProfileWith10001Features_DeliversEveryRecord_In10000PlusOne()
    {
        var profile = WideProfile(10_001, i => $"f{i:D5}");
        var (queue, transport) = await InsertOneRowAsync(profile);
        await using var _q = queue;

        // Delivered by up to four senders at once, so in either order.
        Assert.Equal([1, RecordLimits.MaxRecordsPerBatch], transport.Batches.Select(b => b.Records.Count).Order());
        Assert.Equal(profile.Features.Keys.Order(StringComparer.Ordinal), transport.Records.Cast<PsiRecord>().Select(r => r.Feature).Order(StringComparer.Ordinal));
        Assert.All(transport.Batches, b => Assert.InRange(JsonBytes(b), 0, RecordLimits.MaxBatchBytes));
        var stats = queue.Statistics;
        Assert.Equal((2L, 10_001L), (stats.BatchesSent, stats.RecordsSent));
        Assert.Empty(stats.RejectedRecords);
        Assert.Equal(2, transport.Batches.Select(b => b.BatchId).Distinct().Count());
    }

    [Fact]
    public async Task LongFeatureNames_SplitByBytes_EveryBatchWithinMaxBatchBytes()
    {
        // 10 001 records of about 650 bytes each: about 6.5 MB in all, so the byte limit splits before the count limit.
        var profile = WideProfile(10_001, i => $"{i:D5}".PadRight(500, 'n'));
        var (queue, transport) = await InsertOneRowAsync(profile);
        await using var _q = queue;

        var sizes = transport.Batches.Select(JsonBytes).ToArray();
        Assert.All(sizes, size => Assert.InRange(size, 0, RecordLimits.MaxBatchBytes));
        Assert.InRange(sizes.Length, (int)Math.Ceiling(sizes.Sum(s => (double)s) / RecordLimits.MaxBatchBytes), 10_001);
        Assert.True(sizes.Length >= 2, $"one batch of {sizes[0]} bytes");
        Assert.Equal(10_001, transport.Records.Count);
        Assert.Equal(10_001, queue.Statistics.RecordsSent);
    }

    [Fact]
    public void RecordSize_IsAnUpperBoundOfTheSerializedRecord()
    {
        var uid = Guid.CreateVersion7();
        DriftRecord[] records =
        [
            new PsiRecord { Uid = uid, CreatedAt = At, Feature = "x", BinCounts = new Dictionary<int, long> { [-1] = 1_000_000_000, [0] = 0, [12345] = 7 } },
            new PsiRecord { Uid = uid, CreatedAt = At, Feature = "größe <&'\"+`> \n \u2028 😀", BinCounts = new Dictionary<int, long> { [1] = 1 } },
            new SpcRecord { Uid = uid, CreatedAt = At, Feature = "a", Mean = -1.2345678901234567E+100, Count = long.MaxValue },
            new SpcRecord { Uid = uid, CreatedAt = At, Feature = "a", Mean = double.Epsilon, Count = 1 },
            new PsiRecord { Uid = uid, CreatedAt = At, Feature = new string('f', RecordLimits.MaxNameLength), BinCounts = Enumerable.Range(-1, 1000).ToDictionary(b => b, b => long.MaxValue - b) },
            new CustomRecord { Uid = uid, CreatedAt = At, Metric = "m\\é", Sum = -double.MaxValue, Count = long.MinValue },
            new LlmDriftRecord
            {
                Uid = uid, CreatedAt = At, RecordId = Guid.CreateVersion7(), Input = JsonValue.Create("ça va? <b>"), Response = new JsonObject { ["a"] = new JsonArray(1, 2.5, "é") },
                Context = new Dictionary<string, JsonNode?> { ["k"] = "v😀", ["n"] = null },
            },
            new LlmDriftRecord { Uid = uid, CreatedAt = At, RecordId = Guid.CreateVersion7() },
        ];
        // Each record's share of a batch as sent: the batch with it minus the empty batch (the separator included).
        var empty = new RecordBatch { BatchId = Guid.CreateVersion7(), SentAt = At, Records = [] };
        Assert.InRange(JsonBytes(empty), 1, RecordSize.BatchEnvelope);
        foreach (var record in records)
        {
            var share = JsonBytes(empty with { Records = [record, record] }) - JsonBytes(empty with { Records = [record] });
            Assert.InRange(share, 1, RecordSize.Of(record) + 1);
        }
    }

    [Fact]
    public void Splitter_ClosesABatchAtTheRecordOrByteLimit_AndSendsAnOversizedRecordAlone()
    {
        var batches = new List<RecordBatch>();
        var splitter = new BatchSplitter(At, batches.Add, maxRecords: 3, maxBytes: RecordSize.BatchEnvelope + (3 * 101));
        var records = Enumerable.Range(0, 9).Select(i => (DriftRecord)new CustomRecord { Uid = Guid.Empty, CreatedAt = At, Metric = "m", Sum = i, Count = 1 }).ToArray();
        // Sizes: 100 bytes (+1 separator) fit three to a batch; 150 bytes only two; 1 000 bytes exceed the limit alone.
        long[] sizes = [100, 100, 100, 100, 150, 150, 1000, 100, 100];
        for (var i = 0; i < records.Length; i++) splitter.Add(records[i], sizes[i]);
        splitter.Complete();

        Assert.Equal([[0, 1, 2], [3, 4], [5], [6], [7, 8]], batches.Select(b => b.Records.Select(r => (int)((CustomRecord)r).Sum).ToArray()));
        Assert.All(batches, b => Assert.Equal(At, b.SentAt));
        Assert.Equal(5, batches.Select(b => b.BatchId).Distinct().Count());
    }
}
