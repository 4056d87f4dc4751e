using Dapper;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Storage;

/// <summary>Leases, takeover and at-most-once scores of LLM evaluation, on both stores (a fresh database per test).</summary>
public sealed class LlmEvaluationStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh database with <paramref name="records"/> pending records (see <see cref="InsertPendingAsync"/>).</summary>
    private static async Task<(TestDatabase Db, LlmEvaluationStore Store, Guid[] Ids)> StartAsync(SqlDialect dialect, int records)
    {
        var db = await TestDatabase.CreateAsync(dialect);
        return (db, new LlmEvaluationStore(db.Database), await InsertPendingAsync(db.Database, records));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Claim_LeasesOldestPendingFirst_AndHidesLeasedRecordsUntilTheLeaseEnds(SqlDialect dialect)
    {
        var (db, store, ids) = await StartAsync(dialect, 3);
        await using var __ = db;

        var first = await store.ClaimAsync("a", Now, Lease, 2, Ct);
        var second = await store.ClaimAsync("b", Now, Lease, 2, Ct);
        var third = await store.ClaimAsync("b", Now + Lease - TimeSpan.FromSeconds(1), Lease, 5, Ct);
        var afterLease = await store.ClaimAsync("b", Now + Lease, Lease, 5, Ct);

        Assert.Equal(ids[..2], first.Select(r => r.Id));
        Assert.Equal([ids[2]], second.Select(r => r.Id));
        Assert.Empty(third);
        Assert.Equal(ids, afterLease.Select(r => r.Id)); // every lease (a's and b's) ended at Now + Lease
        Assert.All(first, r => Assert.Equal("{\"input\":\"q\"}", r.Payload));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task CrashedOwner_IsTakenOverAfterTheLease_AndItsLateCompletionChangesNothing(SqlDialect dialect)
    {
        var (db, store, _) = await StartAsync(dialect, 1);
        await using var __ = db;

        var byA = Assert.Single(await store.ClaimAsync("a", Now, Lease, 10, Ct));
        Assert.Equal(1, await store.SaveScoresAsync(byA, [new LlmScore("relevance", 4, "by a")], Now, Ct));
        // "a" stops answering; after its lease "b" takes the record over and sees what "a" stored.
        var byB = Assert.Single(await store.ClaimAsync("b", Now + Lease, Lease, 10, Ct));
        Assert.Equal(["relevance"], byB.ScoredMetrics);
        Assert.Equal(1, await store.SaveScoresAsync(byB, [new LlmScore("relevance", 1, "by b"), new LlmScore("safety", 5, "by b")], Now + Lease, Ct));
        Assert.True(await store.FinishAsync("b", byB, LlmRecordOutcome.Done, 1, null, Now + Lease, Ct));

        // "a" comes back late: no score added, no status change.
        Assert.Equal(0, await store.SaveScoresAsync(byA, [new LlmScore("safety", 0, "by a"), new LlmScore("relevance", 0, "by a")], Now + Lease * 2, Ct));
        Assert.False(await store.FinishAsync("a", byA, LlmRecordOutcome.Failed, 3, "judge_unavailable", Now + Lease * 2, Ct));

        await using var connection = await db.Database.OpenAsync(Ct);
        var scores = (await connection.QueryAsync<(string Metric, double Score, string Reason)>("select metric, score, reason from llm_scores order by metric")).ToList();
        Assert.Equal([("relevance", 4.0, "by a"), ("safety", 5.0, "by b")], scores);
        Assert.Equal("done", await connection.ExecuteScalarAsync<string>("select status from llm_records"));
        Assert.Empty(await store.ClaimAsync("c", Now + Lease * 10, Lease, 10, Ct));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task RetryLater_HoldsTheRecordUntilItsTime_AndKeepsTheAttemptsAndError(SqlDialect dialect)
    {
        var (db, store, _) = await StartAsync(dialect, 1);
        await using var __ = db;

        var leased = Assert.Single(await store.ClaimAsync("a", Now, Lease, 10, Ct));
        Assert.True(await store.RetryLaterAsync("a", leased, 1, "judge_unavailable: http 503", Now.AddSeconds(30), Ct));

        Assert.Empty(await store.ClaimAsync("b", Now.AddSeconds(29), Lease, 10, Ct));
        var retried = Assert.Single(await store.ClaimAsync("b", Now.AddSeconds(30), Lease, 10, Ct));
        Assert.Equal(1, retried.Attempts);
        await using var connection = await db.Database.OpenAsync(Ct);
        Assert.Equal("judge_unavailable: http 503", await connection.ExecuteScalarAsync<string>("select error from llm_records"));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Release_GivesTheRecordBackAtOnce_WithoutSpendingAnAttempt(SqlDialect dialect)
    {
        var (db, store, _) = await StartAsync(dialect, 1);
        await using var __ = db;

        var leased = Assert.Single(await store.ClaimAsync("a", Now, Lease, 10, Ct));
        Assert.True(await store.ReleaseAsync("a", leased, Ct));
        Assert.False(await store.ReleaseAsync("a", leased, Ct));

        var again = Assert.Single(await store.ClaimAsync("b", Now, Lease, 10, Ct));
        Assert.Equal(0, again.Attempts);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task ConcurrentClaimers_TakeDisjointRecords_AndTogetherTakeAll(SqlDialect dialect)
    {
        var (db, store, ids) = await StartAsync(dialect, 60);
        await using var __ = db;

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            while (true)
            {
                var batch = await store.ClaimAsync($"w{worker}", Now, Lease, 7, Ct);
                if (batch.Count == 0) return mine;
                mine.AddRange(batch.Select(r => r.Id));
            }
        }, Ct)));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(ids.Length, all.Count);
        Assert.Equal(ids.ToHashSet(), all.ToHashSet());
    }

    /// <summary>Pending records one second apart before <see cref="Now"/>, oldest first.</summary>
    private static async Task<Guid[]> InsertPendingAsync(ScouterDatabase database, int count)
    {
        var uid = Guid.CreateVersion7();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = await database.OpenAsync(Ct);
        await connection.ExecuteAsync("insert into llm_records (id, uid, created_at, payload, status, attempts) values (@id, @uid, @created_at, @payload, 'pending', 0)",
            ids.Select((id, i) => new { id = database.Id(id), uid = database.Id(uid), created_at = database.Time(Now.AddMinutes(-10).AddSeconds(i)), payload = "{\"input\":\"q\"}" }));
        return ids;
    }
}
