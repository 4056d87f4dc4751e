using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Storage;

/// <summary>
/// PostgreSQL folds rows into the roll-ups only below the cluster's oldest open transaction, so a
/// transaction left open (in any database of the cluster) holds the fold back. Retention must then
/// keep the raw rows rather than drop rows the roll-ups never counted.
/// </summary>
public sealed class RetentionFoldTests(PostgresDatabaseFixture fixture) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retention_KeepsRawRows_WhileAnOlderOpenTransactionHoldsTheFoldBack()
    {
        var db = fixture.Db.Database;
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var old = now.AddDays(-100);
        var uid = Guid.CreateVersion7();
        var store = new SqlRecordStore(db, NullLogger<SqlRecordStore>.Instance);

        // An open transaction with an id, older than the rows below.
        await using var holder = new NpgsqlConnection(ScouterDatabase.ToNpgsqlConnectionString(fixture.Db.PostgresUri!));
        await holder.OpenAsync(Ct);
        var open = await holder.BeginTransactionAsync(Ct);
        await using (var assign = new NpgsqlCommand("select pg_current_xact_id()", holder, open)) await assign.ExecuteScalarAsync(Ct);

        var batch = new IngestBatch { BatchId = Guid.NewGuid(), ReceivedAt = old, Records = 1 };
        batch.Custom.Add(new CustomValueRow(uid, "mae", old, 3.5, 2));
        await store.IngestAsync(batch, Ct);
        RetentionService Retention(TimeSpan foldTimeout) => new(store, new RollupWriter(db), new ServerOptions { RetentionDays = 60, RollupRetentionDays = 400 },
            new FakeTimeProvider(now), NullLogger<RetentionService>.Instance) { FoldTimeout = foldTimeout };

        var held = await Retention(TimeSpan.FromMilliseconds(300)).RunOnceAsync(Ct);

        Assert.True(held.RawPurgeDeferred);
        Assert.Equal(1, await Seed.CountAsync(db, "select count(*) from custom_values where uid = @uid", new { uid = db.Id(uid) }));

        await open.RollbackAsync(Ct);
        // Other tests' short transactions may still be open on this cluster: give the fold time to pass them.
        var released = await Retention(TimeSpan.FromSeconds(30)).RunOnceAsync(Ct);

        Assert.False(released.RawPurgeDeferred);
        Assert.Equal(0, await Seed.CountAsync(db, "select count(*) from custom_values where uid = @uid", new { uid = db.Id(uid) }));
        var hour = RollupGrain.HourOf(old);
        var window = new TimeWindow(DbTime.FromMicros(RollupGrain.Start(hour)), DbTime.FromMicros(RollupGrain.End(hour)));
        Assert.Equal([new MetricBucket(0, "mae", 3.5, 2)], await store.CustomValuesAsync(uid, window, Ct));
    }
}
