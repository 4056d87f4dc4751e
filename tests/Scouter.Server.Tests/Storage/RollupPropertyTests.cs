using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Scouter.Server.Evaluation;
using Scouter.Server.Jobs;
using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Storage;

/// <summary>
/// Property: whatever the records — random times (late ones after roll-up passes), batches
/// retried with the same id, several writers and two roll-up replicas racing — every drift read
/// and check over any window equals the raw-row computation, and the raw computation equals an
/// independent sum over the stored records. Values are multiples of 1/16 and counts integers, so
/// every sum is exact in any order and "equal" means bit for bit.
/// </summary>
public abstract class RollupPropertyTests(DatabaseFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ScouterDatabase _db = fixture.Db.Database;

    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(37)]
    public async Task RollupReads_EqualRawReads_ForRandomRecordsWindowsAndReplicas(int seed)
    {
        var random = new Random(seed);
        var psi = Guid.CreateVersion7();
        var custom = Guid.CreateVersion7();
        var spc = Guid.CreateVersion7();
        var llm = Guid.CreateVersion7();
        var store = new SqlRecordStore(_db, NullLogger<SqlRecordStore>.Instance);
        var raw = new SqlRecordStore(_db, NullLogger<SqlRecordStore>.Instance, useRollups: false);
        await using var replicaDb = SecondConnection();
        var writers = new[] { new RollupWriter(_db), new RollupWriter(replicaDb) };
        var stored = new List<IngestBatch>();
        var scores = new List<(string Metric, DateTimeOffset EvaluatedAt, double Score)>();
        var llmRecords = new Dictionary<Guid, LlmRecordState>();

        // Rounds: four writers ingest (some batches sent twice, some late) while both roll-up replicas run passes.
        for (var round = 0; round < 4; round++)
        {
            var batches = Enumerable.Range(0, 12).Select(_ => RandomBatch(random, psi, custom, spc, late: round > 0 && random.Next(3) == 0)).ToList();
            var retries = batches.Where(_ => random.Next(4) == 0).ToList();
            var stop = new CancellationTokenSource();
            var passes = writers.Select(w => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested) await w.RunOnceAsync(Ct);
            }, Ct)).ToList();
            var ingest = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                var outcomes = new List<(IngestBatch, IngestOutcome)>();
                foreach (var batch in batches.Where((_, j) => j % 4 == i).Concat(retries.Where((_, j) => j % 4 == i)))
                    outcomes.Add((batch, await store.IngestAsync(batch, Ct)));
                return outcomes;
            }, Ct)).ToList();
            foreach (var (batch, outcome) in (await Task.WhenAll(ingest)).SelectMany(o => o))
            {
                if (outcome == IngestOutcome.Stored) stored.Add(batch);
            }
            scores.AddRange(await InsertScoresAsync(random, llm, 20));
            await ChangeLlmRecordsAsync(random, llm, llmRecords);
            await stop.CancelAsync();
            await Task.WhenAll(passes);

            Assert.Equal(batches.Count, stored.Select(b => b.BatchId).Distinct().Count() - (round * 12));
            await AssertReadsEqualAsync(random, store, raw, stored, scores, psi, custom, spc, llm);
            await AssertStatusCountsEqualAsync(random, store, raw, llmRecords, llm);
        }

        // Everything folded: reads come from roll-ups alone and are still the same.
        await writers[1].CatchUpAsync(Ct);
        await AssertReadsEqualAsync(random, store, raw, stored, scores, psi, custom, spc, llm);
        Assert.True(await Seed.CountAsync(_db, "select count(*) from psi_hourly where uid = @uid", new { uid = _db.Id(psi) }) > 0);
    }

    [Fact]
    public async Task Checks_WithRollups_EqualChecksOnRawRows()
    {
        var random = new Random(5);
        var psiProfile = TestProfiles.Psi("rollups");
        var customProfile = TestProfiles.Custom("rollups");
        var psi = Guid.CreateVersion7();
        var custom = Guid.CreateVersion7();
        var store = new SqlRecordStore(_db, NullLogger<SqlRecordStore>.Instance);
        for (var i = 0; i < 20; i++) await store.IngestAsync(RandomBatch(random, psi, custom, Guid.CreateVersion7(), late: false), Ct);
        await new RollupWriter(_db).CatchUpAsync(Ct);
        for (var i = 0; i < 5; i++) await store.IngestAsync(RandomBatch(random, psi, custom, Guid.CreateVersion7(), late: true), Ct);

        var rolled = new DriftCheckEngine(store, new EvaluationOptions());
        var plain = new DriftCheckEngine(new SqlRecordStore(_db, NullLogger<SqlRecordStore>.Instance, useRollups: false), new EvaluationOptions());
        foreach (var (from, to) in new[] { (T0, T0.AddDays(3)), (T0.AddMinutes(17).AddTicks(30), T0.AddHours(50).AddSeconds(7)), (T0.AddHours(5), T0.AddHours(6)) })
        {
            var a = await rolled.EvaluateAsync(psiProfile, psi, from, to, Ct);
            var b = await plain.EvaluateAsync(psiProfile, psi, from, to, Ct);
            Assert.Equal(b.Result.ToJsonString(), a.Result.ToJsonString());
            Assert.Equal(b.Summary, a.Summary);
            var c = await rolled.EvaluateAsync(customProfile, custom, from, to, Ct);
            var d = await plain.EvaluateAsync(customProfile, custom, from, to, Ct);
            Assert.Equal(d.Result.ToJsonString(), c.Result.ToJsonString());
        }
        // The long window saw data: the comparison is not between two empty answers.
        Assert.Contains("\"n\":", (await rolled.EvaluateAsync(psiProfile, psi, T0, T0.AddDays(3), Ct)).Result.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_InTwoTiers_KeepsHourlyRollupsAfterTheRawRowsAreGone()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var uid = Guid.CreateVersion7();
        var store = new SqlRecordStore(_db, NullLogger<SqlRecordStore>.Instance);
        var kept = now.AddDays(-100).AddMinutes(-30);   // raw rows past 60 days, roll-up within 400
        var dropped = now.AddDays(-500).AddMinutes(-30); // past both
        foreach (var (at, sum) in new[] { (kept, 3.5), (kept.AddMinutes(5), 1.0), (dropped, 7.0) })
        {
            var batch = new IngestBatch { BatchId = Guid.NewGuid(), ReceivedAt = now.AddDays(-1), Records = 1 };
            batch.Custom.Add(new CustomValueRow(uid, "mae", at, sum, 2));
            await store.IngestAsync(batch, Ct);
        }
        var options = new ServerOptions { RetentionDays = 60, RollupRetentionDays = 400 };
        var retention = new Scouter.Server.Ingestion.RetentionService(store, new RollupWriter(_db), options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now),
            NullLogger<Scouter.Server.Ingestion.RetentionService>.Instance);

        var result = await retention.RunOnceAsync(Ct);

        Assert.Equal(0, await Seed.CountAsync(_db, "select count(*) from custom_values where uid = @uid", new { uid = _db.Id(uid) }));
        Assert.Equal(1, result.DeletedRollupRows);
        var hour = RollupGrain.HourOf(kept);
        var keptHour = new TimeWindow(DbTime.FromMicros(RollupGrain.Start(hour)), DbTime.FromMicros(RollupGrain.End(hour)));
        Assert.Equal([new MetricBucket(0, "mae", 4.5, 4)], await store.CustomValuesAsync(uid, keptHour, Ct));
        var droppedHour = RollupGrain.HourOf(dropped);
        Assert.Empty(await store.CustomValuesAsync(uid, new TimeWindow(DbTime.FromMicros(RollupGrain.Start(droppedHour)), DbTime.FromMicros(RollupGrain.End(droppedHour))), Ct));
    }

    private sealed record LlmRecordState(DateTimeOffset CreatedAt, string Status, DateTimeOffset? EvaluatedAt);

    /// <summary>New pending records, some finished (done/failed at a random time), some failed ones retried (back to pending).</summary>
    private async Task ChangeLlmRecordsAsync(Random random, Guid llm, Dictionary<Guid, LlmRecordState> records)
    {
        await using var connection = await _db.OpenAsync(Ct);
        for (var i = 0; i < 15; i++)
        {
            var id = Guid.NewGuid();
            var at = DbTime.Normalize(T0.AddDays(random.Next(2) == 0 ? -10 : 0).AddTicks(10 * (long)(random.NextDouble() * 3 * 24 * 3_600_000_000L)));
            await connection.ExecuteAsync("insert into llm_records (id, uid, created_at, payload, status, attempts) values (@id, @uid, @at, '{}', 'pending', 0)",
                new { id = _db.Id(id), uid = _db.Id(llm), at = _db.Time(at) });
            records[id] = new LlmRecordState(at, "pending", null);
        }
        foreach (var (id, state) in records.ToList())
        {
            LlmRecordState next;
            if (state.Status == "pending" && random.Next(2) == 0)
                next = state with { Status = random.Next(3) == 0 ? "failed" : "done", EvaluatedAt = DbTime.Normalize(state.CreatedAt.AddTicks(10 * (long)(random.NextDouble() * 6 * 3_600_000_000L))) };
            else if (state.Status == "failed" && random.Next(2) == 0)
                next = state with { Status = "pending", EvaluatedAt = null };
            else
                continue;
            await connection.ExecuteAsync("update llm_records set status = @status, evaluated_at = @evaluated where id = @id",
                new { id = _db.Id(id), status = next.Status, evaluated = _db.Time(next.EvaluatedAt) });
            records[id] = next;
        }
    }

    private static async Task AssertStatusCountsEqualAsync(Random random, SqlRecordStore store, SqlRecordStore raw, Dictionary<Guid, LlmRecordState> records, Guid llm)
    {
        foreach (var window in Windows(random))
        {
            foreach (var axis in new[] { LlmStatusAxis.Created, LlmStatusAxis.Evaluated })
            {
                var rawCounts = await raw.LlmStatusCountsAsync(llm, window, axis, Ct);
                Assert.Equal(rawCounts, await store.LlmStatusCountsAsync(llm, window, axis, Ct));
                var expected = records.Values
                    .Select(r => (r.Status, At: axis == LlmStatusAxis.Created ? r.CreatedAt : r.EvaluatedAt))
                    .Where(r => r.At is { } at && In(window, at))
                    .GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, (long)g.Count()));
                Assert.Equal(expected, rawCounts);
            }
        }
    }

    private static async Task AssertReadsEqualAsync(Random random, SqlRecordStore store, SqlRecordStore raw, List<IngestBatch> stored,
        List<(string Metric, DateTimeOffset EvaluatedAt, double Score)> scores, Guid psi, Guid custom, Guid spc, Guid llm)
    {
        foreach (var window in Windows(random))
        {
            var rawPsi = await raw.PsiCountsAsync(psi, window, Ct);
            Assert.Equal(rawPsi, await store.PsiCountsAsync(psi, window, Ct));
            Assert.Equal(ExpectedPsi(stored, window), rawPsi.Select(r => (r.Bucket, r.Feature, r.BinId, r.Count)));

            var rawCustom = await raw.CustomValuesAsync(custom, window, Ct);
            Assert.Equal(rawCustom, await store.CustomValuesAsync(custom, window, Ct));
            Assert.Equal(ExpectedCustom(stored, window), rawCustom.Select(r => (r.Bucket, r.Metric, r.Sum, r.Count)));

            var rawSpc = await raw.SpcStatsAsync(spc, window, Ct);
            Assert.Equal(rawSpc, await store.SpcStatsAsync(spc, window, Ct));
            Assert.Equal(ExpectedSpc(stored, window), rawSpc.Select(r => (r.Bucket, r.Feature, r.Samples, r.Values, r.Sum, r.Min, r.Max)));

            var rawLlm = await raw.LlmScoresAsync(llm, window, Ct);
            Assert.Equal(rawLlm, await store.LlmScoresAsync(llm, window, Ct));
            Assert.Equal(scores.Where(s => In(window, s.EvaluatedAt)).GroupBy(s => (window.BucketOf(s.EvaluatedAt), s.Metric)).OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Metric, StringComparer.Ordinal)
                .Select(g => (g.Key.Item1, g.Key.Metric, g.Sum(s => s.Score), (double)g.Count())), rawLlm.Select(r => (r.Bucket, r.Metric, r.Sum, r.Count)));
        }
    }

    /// <summary>Aligned hourly windows (all roll-ups), odd windows and widths (roll-ups plus raw edges), sub-hour buckets (all raw), and one window around everything.</summary>
    private static IEnumerable<TimeWindow> Windows(Random random)
    {
        yield return new TimeWindow(T0.AddDays(-20), T0.AddDays(11), 744);
        yield return new TimeWindow(T0, T0.AddDays(3), 72);
        yield return new TimeWindow(T0.AddHours(3), T0.AddHours(27), 8);
        for (var i = 0; i < 4; i++)
        {
            var from = T0.AddDays(-12).AddMinutes(random.Next(0, 20 * 24 * 60)).AddTicks(random.Next(0, 10_000_000));
            var to = from.AddMinutes(random.Next(30, 6 * 24 * 60)).AddTicks(random.Next(0, 10_000_000));
            yield return new TimeWindow(from, to, random.Next(1, 60));
        }
        yield return new TimeWindow(T0.AddHours(10), T0.AddHours(13), 36);
    }

    private static IngestBatch RandomBatch(Random random, Guid psi, Guid custom, Guid spc, bool late)
    {
        var records = random.Next(1, 40);
        var batch = new IngestBatch { BatchId = Guid.NewGuid(), ReceivedAt = T0, Records = records };
        for (var i = 0; i < records; i++)
        {
            // Mostly within three days after T0 at any microsecond; late records land up to ten days earlier.
            var at = (late ? T0.AddDays(-10) : T0).AddTicks(10 * (long)(random.NextDouble() * 3 * 24 * 3_600_000_000L));
            switch (random.Next(3))
            {
                case 0:
                    var feature = random.Next(2) == 0 ? "age" : "color";
                    int[] bins = feature == "age" ? [0, 1, 2, 3] : [-1, 0, 1, 2];
                    foreach (var bin in bins.Where(_ => random.Next(3) > 0)) batch.Psi.Add(new PsiCountRow(psi, feature, bin, at, random.Next(0, 1000)));
                    break;
                case 1:
                    batch.Custom.Add(new CustomValueRow(custom, random.Next(2) == 0 ? "mae" : "acc", at, random.Next(-4000, 4000) / 16.0, random.Next(1, 10)));
                    break;
                default:
                    batch.Spc.Add(new SpcSampleRow(spc, random.Next(2) == 0 ? "x" : "y", at, random.Next(-1600, 1600) / 16.0, random.Next(1, 30)));
                    break;
            }
        }
        return batch;
    }

    private async Task<List<(string Metric, DateTimeOffset EvaluatedAt, double Score)>> InsertScoresAsync(Random random, Guid llm, int count)
    {
        var scores = new List<(string, DateTimeOffset, double)>();
        await using var connection = await _db.OpenAsync(Ct);
        for (var i = 0; i < count; i++)
        {
            var evaluated = T0.AddTicks(10 * (long)(random.NextDouble() * 3 * 24 * 3_600_000_000L));
            var metric = random.Next(2) == 0 ? "relevance" : "tone";
            double score = random.Next(1, 6);
            await connection.ExecuteAsync("insert into llm_scores (uid, metric, record_id, created_at, evaluated_at, score) values (@uid, @metric, @rid, @at, @evaluated, @score)",
                new { uid = _db.Id(llm), metric, rid = _db.Id(Guid.NewGuid()), at = _db.Time(evaluated.AddMinutes(-1)), evaluated = _db.Time(evaluated), score });
            scores.Add((metric, DbTime.Normalize(evaluated), score));
        }
        return scores;
    }

    private static bool In(TimeWindow window, DateTimeOffset at) => DbTime.Normalize(at) > window.From && DbTime.Normalize(at) <= window.To;

    private static IEnumerable<(int, string, int, double)> ExpectedPsi(List<IngestBatch> stored, TimeWindow window) =>
        stored.SelectMany(b => b.Psi).Where(r => In(window, r.CreatedAt))
            .GroupBy(r => (window.BucketOf(DbTime.Normalize(r.CreatedAt)), r.Feature, r.BinId))
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Feature, StringComparer.Ordinal).ThenBy(g => g.Key.BinId)
            .Select(g => (g.Key.Item1, g.Key.Feature, g.Key.BinId, (double)g.Sum(r => r.Count)));

    private static IEnumerable<(int, string, double, double)> ExpectedCustom(List<IngestBatch> stored, TimeWindow window) =>
        stored.SelectMany(b => b.Custom).Where(r => In(window, r.CreatedAt))
            .GroupBy(r => (window.BucketOf(DbTime.Normalize(r.CreatedAt)), r.Metric))
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Metric, StringComparer.Ordinal)
            .Select(g => (g.Key.Item1, g.Key.Metric, g.Sum(r => r.Sum), (double)g.Sum(r => r.Count)));

    private static IEnumerable<(int, string, double, double, double, double, double)> ExpectedSpc(List<IngestBatch> stored, TimeWindow window) =>
        stored.SelectMany(b => b.Spc).Where(r => In(window, r.CreatedAt))
            .GroupBy(r => (window.BucketOf(DbTime.Normalize(r.CreatedAt)), r.Feature))
            .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Feature, StringComparer.Ordinal)
            .Select(g => (g.Key.Item1, g.Key.Feature, (double)g.Count(), (double)g.Sum(r => r.Count), g.Sum(r => r.Mean), g.Min(r => r.Mean), g.Max(r => r.Mean)));

    private ScouterDatabase SecondConnection() => fixture.Db.PostgresUri is { } uri
        ? ScouterDatabase.ForPostgres(ScouterDatabase.ToNpgsqlConnectionString(uri))
        : ScouterDatabase.ForSqlite(Path.Combine(fixture.Db.DataDir!, "scouter.db"));
}

public sealed class SqliteRollupPropertyTests(SqliteDatabaseFixture fixture) : RollupPropertyTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresRollupPropertyTests(PostgresDatabaseFixture fixture) : RollupPropertyTests(fixture), IClassFixture<PostgresDatabaseFixture>;
