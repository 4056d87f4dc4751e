using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Storage;

/// <summary>The behaviour both store implementations promise; run against SQLite and PostgreSQL.</summary>
public abstract class StoreContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 30, TimeSpan.Zero);

    private readonly DatabaseFixture _fixture;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly SqlProfileStore _profiles;
    private readonly SqlRecordStore _records;

    protected StoreContractTests(DatabaseFixture fixture)
    {
        _fixture = fixture;
        _profiles = new SqlProfileStore(fixture.Db.Database, _time);
        _records = new SqlRecordStore(fixture.Db.Database, NullLogger<SqlRecordStore>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewSpace() => "s" + Guid.NewGuid().ToString("N")[..10];

    private static StoredProfile Row(string space, string version = "1.0.0", bool active = false, string name = "m", DriftType type = DriftType.Custom, string schedule = CommonCrons.EveryHour) =>
        new(Guid.CreateVersion7(), space, name, version, type, "{\"x\":1}", active, schedule, null, null, default, default);

    [Fact]
    public async Task Insert_ThenGet_RoundTripsEveryColumn()
    {
        var row = Row(NewSpace(), active: true) with { TimeZone = "Europe/Paris" };

        var stored = await _profiles.InsertAsync(row, deactivateOthers: false, Ct);
        var read = await _profiles.GetAsync(row.Uid, Ct);

        Assert.Equal(stored, read);
        Assert.Equal(Now, read!.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 13, 0, 0, TimeSpan.Zero), read.NextRun);
        Assert.Null(await _profiles.GetAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Insert_SameIdentity_ThrowsProfileExists_ButOtherDriftTypeIsFine()
    {
        var space = NewSpace();
        await _profiles.InsertAsync(Row(space), false, Ct);

        await Assert.ThrowsAsync<ProfileExistsException>(() => _profiles.InsertAsync(Row(space), false, Ct));
        await _profiles.InsertAsync(Row(space, type: DriftType.Psi), false, Ct);
        Assert.Equal(2, (await _profiles.ListAsync(new ProfileFilter(space), Ct)).Count);
    }

    [Fact]
    public async Task List_FiltersAndVersionsAreListedInRegistrationOrder()
    {
        var space = NewSpace();
        await _profiles.InsertAsync(Row(space, "1.0.0"), false, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        await _profiles.InsertAsync(Row(space, "1.0.1"), false, Ct);
        await _profiles.InsertAsync(Row(space, "1.0.0", name: "other"), false, Ct);
        await _profiles.InsertAsync(Row(space, "1.0.0", type: DriftType.Spc), false, Ct);

        Assert.Equal(4, (await _profiles.ListAsync(new ProfileFilter(space), Ct)).Count);
        Assert.Equal(2, (await _profiles.ListAsync(new ProfileFilter(space, Name: "m", DriftType: DriftType.Custom), Ct)).Count);
        Assert.Single(await _profiles.ListAsync(new ProfileFilter(space, "m", "1.0.1"), Ct));
        Assert.Empty(await _profiles.ListAsync(new ProfileFilter(space, Version: "9.9.9"), Ct));
        Assert.Equal(["1.0.0", "1.0.1"], await _profiles.ListVersionsAsync(space, "m", DriftType.Custom, Ct));
    }

    [Fact]
    public async Task SetActive_WithDeactivateOthers_LeavesOneActiveVersion_AndSchedulesIt()
    {
        var space = NewSpace();
        var a = await _profiles.InsertAsync(Row(space, "1.0.0", active: true), false, Ct);
        var b = await _profiles.InsertAsync(Row(space, "1.0.1"), false, Ct);
        var otherType = await _profiles.InsertAsync(Row(space, "1.0.0", active: true, type: DriftType.Psi), false, Ct);
        _time.Advance(TimeSpan.FromHours(1));

        var activated = await _profiles.SetActiveAsync(b.Uid, true, deactivateOthers: true, Ct);

        Assert.True(activated!.Active);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.Zero), activated.NextRun);
        var oldOne = await _profiles.GetAsync(a.Uid, Ct);
        Assert.False(oldOne!.Active);
        Assert.Null(oldOne.NextRun);
        Assert.True((await _profiles.GetAsync(otherType.Uid, Ct))!.Active);
        var deactivated = await _profiles.SetActiveAsync(b.Uid, false, false, Ct);
        Assert.False(deactivated!.Active);
        Assert.Null(deactivated.NextRun);
        Assert.Null(await _profiles.SetActiveAsync(Guid.NewGuid(), true, false, Ct));
    }

    [Fact]
    public async Task Insert_ActiveWithDeactivateOthers_DeactivatesPreviousVersion()
    {
        var space = NewSpace();
        var a = await _profiles.InsertAsync(Row(space, "1.0.0", active: true), false, Ct);
        await _profiles.InsertAsync(Row(space, "1.0.1", active: true), deactivateOthers: true, Ct);

        Assert.False((await _profiles.GetAsync(a.Uid, Ct))!.Active);
    }

    [Fact]
    public async Task Update_ReplacesJsonAndSchedule_AndReschedulesActiveProfile()
    {
        var row = await _profiles.InsertAsync(Row(NewSpace(), active: true), false, Ct);

        var updated = await _profiles.UpdateAsync(row.Uid, "{\"y\":2}", CommonCrons.EveryDay, "UTC", Ct);

        Assert.Equal("{\"y\":2}", updated!.ProfileJson);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), updated.NextRun);
        Assert.Equal(updated, await _profiles.GetAsync(row.Uid, Ct));
        Assert.Null(await _profiles.UpdateAsync(Guid.NewGuid(), "{}", CommonCrons.EveryDay, null, Ct));
    }

    private static IngestBatch Batch(Guid uid, DateTimeOffset at, Guid? batchId = null)
    {
        var batch = new IngestBatch { BatchId = batchId ?? Guid.CreateVersion7(), ReceivedAt = at, Records = 4 };
        batch.Psi.Add(new PsiCountRow(uid, "age", 1, at, 3));
        batch.Psi.Add(new PsiCountRow(uid, "age", 2, at, 5));
        batch.Spc.Add(new SpcSampleRow(uid, "x", at, 10.5, 25));
        batch.Custom.Add(new CustomValueRow(uid, "mae", at, 3.0, 4));
        batch.Llm.Add(new LlmRecordRow(Guid.CreateVersion7(), uid, at, "{\"input\":\"q\"}"));
        return batch;
    }

    private async Task<long> CountAsync(string table, Guid uid)
    {
        await using var connection = await _fixture.Db.Database.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>($"select count(*) from {(table == "psi_counts" ? Scouter.Server.Storage.RecordSql.PsiRows(_fixture.Db.Database.Dialect) : table)} where uid = @uid", new { uid = _fixture.Db.Database.Id(uid) });
    }

    private async Task<bool> BatchIdStoredAsync(Guid batchId)
    {
        await using var connection = await _fixture.Db.Database.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>("select count(*) from ingested_batches where batch_id = @id", new { id = _fixture.Db.Database.Id(batchId) }) == 1;
    }

    [Fact]
    public async Task Ingest_StoresEveryTable_AndWindowQueriesAggregatePerBucket()
    {
        var uid = Guid.NewGuid();
        var from = Now.AddHours(-4);
        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, from.AddMinutes(30)), Ct));
        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, from.AddMinutes(45)), Ct));
        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, from.AddHours(3.5)), Ct));
        // Exactly on the window start: excluded; exactly on the end: included (window is (from, to]).
        await _records.IngestAsync(Batch(uid, from), Ct);
        await _records.IngestAsync(Batch(uid, Now), Ct);
        var window = new TimeWindow(from, Now, 4);

        var psi = await _records.PsiCountsAsync(uid, window, Ct);
        Assert.Equal([new PsiBucketCount(0, "age", 1, 6), new PsiBucketCount(0, "age", 2, 10), new PsiBucketCount(3, "age", 1, 6), new PsiBucketCount(3, "age", 2, 10)], psi);
        var custom = await _records.CustomValuesAsync(uid, window, Ct);
        Assert.Equal([new MetricBucket(0, "mae", 6.0, 8), new MetricBucket(3, "mae", 6.0, 8)], custom);
        var spc = await _records.SpcSamplesAsync(uid, from, Now, 100, null, Ct);
        Assert.Equal([from.AddMinutes(30), from.AddMinutes(45), from.AddHours(3.5), Now], spc.Select(s => s.CreatedAt));
        Assert.Equal(2, (await _records.SpcSamplesAsync(uid, from, Now, 2, null, Ct)).Count);
        Assert.Equal(from.AddHours(3.5), (await _records.SpcSamplesAsync(uid, from, Now, 2, null, Ct))[0].CreatedAt);
        var status = await _records.LlmStatusCountsAsync(uid, new TimeWindow(from, Now), LlmStatusAxis.Created, Ct);
        Assert.Equal(4, status["pending"]);
        Assert.Empty(await _records.LlmScoresAsync(uid, window, Ct));
    }

    [Fact]
    public async Task IngestMany_GroupCommit_StoresNewBatchesOnceAndReportsDuplicates()
    {
        var uid = Guid.NewGuid();
        var earlier = Guid.CreateVersion7();
        var repeated = Guid.CreateVersion7();
        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, Now, earlier), Ct));

        var outcomes = await _records.IngestManyAsync(
            [Batch(uid, Now), Batch(uid, Now, earlier), Batch(uid, Now, repeated), Batch(uid, Now, repeated), Batch(uid, Now.AddDays(-1))], Ct);

        Assert.Equal([IngestOutcome.Stored, IngestOutcome.Duplicate, IngestOutcome.Stored, IngestOutcome.Duplicate, IngestOutcome.Stored], outcomes);
        Assert.Equal(2 * 4, await CountAsync("psi_counts", uid)); // 1 earlier + 3 new batches, 2 PSI rows each
        Assert.Equal(4, await CountAsync("spc_samples", uid));
        Assert.Equal(4, await CountAsync("llm_records", uid));
        Assert.True(await BatchIdStoredAsync(repeated));
    }

    [Fact]
    public async Task Ingest_DuplicateBatchId_StoresOnce()
    {
        var uid = Guid.NewGuid();
        var batchId = Guid.CreateVersion7();

        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, Now, batchId), Ct));
        Assert.Equal(IngestOutcome.Duplicate, await _records.IngestAsync(Batch(uid, Now, batchId), Ct));

        Assert.Equal(2, await CountAsync("psi_counts", uid));
        Assert.Equal(1, await CountAsync("llm_records", uid));
    }

    [Fact]
    public async Task Ingest_ConcurrentSameBatchId_ExactlyOneStores()
    {
        var uid = Guid.NewGuid();
        var batchId = Guid.CreateVersion7();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _records.IngestAsync(Batch(uid, Now, batchId), Ct), Ct)));

        Assert.Single(outcomes, o => o == IngestOutcome.Stored);
        Assert.Equal(2, await CountAsync("psi_counts", uid));
        Assert.Equal(1, await CountAsync("spc_samples", uid));
    }

    [Fact]
    public async Task Ingest_TwoWritersOnANewDay_BothStore()
    {
        // Separate instances have separate partition caches, so both race to create the day's partitions.
        var other = new SqlRecordStore(_fixture.Db.Database, NullLogger<SqlRecordStore>.Instance);
        var uid = Guid.NewGuid();
        var day = Now.AddDays(-7);

        var outcomes = await Task.WhenAll(
            Task.Run(() => _records.IngestAsync(Batch(uid, day), Ct), Ct),
            Task.Run(() => other.IngestAsync(Batch(uid, day.AddMinutes(1)), Ct), Ct));

        Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Stored, o));
        Assert.Equal(4, await CountAsync("psi_counts", uid));
    }

    [Fact]
    public async Task Ingest_FailingRow_StoresNothing_AndLeavesTheBatchIdFree()
    {
        var uid = Guid.NewGuid();
        var batchId = Guid.CreateVersion7();
        var bad = Batch(uid, Now, batchId);
        bad.Custom.Add(new CustomValueRow(uid, null!, Now, 1, 1));

        await Assert.ThrowsAnyAsync<Exception>(() => _records.IngestAsync(bad, Ct));

        Assert.Equal(0, await CountAsync("psi_counts", uid));
        Assert.Equal(0, await CountAsync("custom_values", uid));
        Assert.False(await BatchIdStoredAsync(batchId));
        Assert.Equal(IngestOutcome.Stored, await _records.IngestAsync(Batch(uid, Now, batchId), Ct));
    }

    [Fact]
    public async Task Ingest_ManyRows_StoresEveryRowExactly_AcrossFullAndPartialStatements()
    {
        // 250 rows: on SQLite two full 100-row insert statements and one partial one of 50; PostgreSQL copies them.
        const int Rows = 250;
        var uid = Guid.NewGuid();
        var batch = new IngestBatch { BatchId = Guid.CreateVersion7(), ReceivedAt = Now, Records = Rows };
        var expected = new List<PsiBucketCount>();
        for (var i = 0; i < Rows; i++)
        {
            var feature = "f" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            batch.Psi.Add(new PsiCountRow(uid, feature, i % 7, Now.AddSeconds(-i), i + 1));
            expected.Add(new PsiBucketCount(0, feature, i % 7, i + 1));
        }

        await _records.IngestAsync(batch, Ct);

        var stored = await _records.PsiCountsAsync(uid, new TimeWindow(Now.AddSeconds(-Rows), Now, 1), Ct);
        Assert.Equal(expected, stored.OrderBy(r => r.Feature, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Purge_RemovesRecordsAndBatchIdsOlderThanTheCutoff()
    {
        var uid = Guid.NewGuid();
        var old = Batch(uid, Now.AddDays(-100));
        var recent = Batch(uid, Now.AddDays(-1));
        await _records.IngestAsync(old, Ct);
        await _records.IngestAsync(recent, Ct);

        var result = await _records.PurgeAsync(Now.AddDays(-60), Ct);

        Assert.True(result.DeletedRows + result.DroppedPartitions > 0);
        Assert.Equal(2, await CountAsync("psi_counts", uid));
        Assert.Equal(1, await CountAsync("spc_samples", uid));
        Assert.Equal(1, await CountAsync("llm_records", uid));
        Assert.False(await BatchIdStoredAsync(old.BatchId));
        Assert.True(await BatchIdStoredAsync(recent.BatchId));
        if (_fixture.Dialect == SqlDialect.Postgres)
        {
            await using var connection = await _fixture.Db.Database.OpenAsync(Ct);
            var day = Now.AddDays(-100).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from pg_class where relname = @name", new { name = "psi_counts_" + day }));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from pg_class where relname = @name",
                new { name = "psi_counts_" + Now.AddDays(-1).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) }));
        }
    }
}

public sealed class SqliteStoreContractTests(SqliteDatabaseFixture fixture) : StoreContractTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresStoreContractTests(PostgresDatabaseFixture fixture) : StoreContractTests(fixture), IClassFixture<PostgresDatabaseFixture>;
