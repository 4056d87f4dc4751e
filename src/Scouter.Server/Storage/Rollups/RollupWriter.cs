using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scouter.Server.Storage.Rollups;

/// <summary>
/// The roll-up pass: folds raw record rows that are not yet rolled up into the hourly tables and
/// advances the watermark in the same transaction, so every row is counted exactly once — late
/// rows (any record time) included, and whichever replica runs the pass.
/// <list type="bullet">
/// <item>PostgreSQL: rows carry the id of the transaction that wrote them. A pass takes the
/// watermark row <c>for update skip locked</c> (a second replica skips the pass), reads
/// <c>X = pg_snapshot_xmin</c> — every transaction with a smaller id has ended — folds the rows with
/// <c>watermark &lt;= xid &lt; X</c> and sets the watermark to X.</item>
/// <item>SQLite: one writer at a time; rows have an ever-growing <c>seq</c>. A pass folds up to
/// <see cref="SqliteChunkRows"/> rows above each table's watermark and sets it to the last seq folded.</item>
/// </list>
/// </summary>
internal sealed class RollupWriter(ScouterDatabase database)
{
    /// <summary>Most raw rows of one table a SQLite pass folds (so the write lock is held briefly).</summary>
    public const int SqliteChunkRows = 50_000;

    /// <summary>Runs one pass; returns the raw rows folded (0 when there was nothing to do or another replica holds the pass).</summary>
    public Task<long> RunOnceAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var delta = new RollupDelta();
            if (database.Dialect == SqlDialect.Postgres)
            {
                var watermark = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "select watermark from rollup_state where name = 'records' for update skip locked", transaction: tx, cancellationToken: cancellationToken));
                if (watermark is not { } from) return (0L, false);
                var to = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint", transaction: tx, cancellationToken: cancellationToken));
                if (to <= from) return (0L, false);
                var range = $"xid >= {from} and xid < {to}";
                await ReadAsync(connection, tx, delta, $"select uid, feature, created_at, bin_ids, counts from psi_counts where {range}", r => AddPsiArrays(delta, r), cancellationToken);
                await ReadRawAsync(connection, tx, delta, range, cancellationToken);
                await PostgresRollupTables.MergeAsync((NpgsqlConnection)connection, delta, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition("update rollup_state set watermark = @to where name = 'records'", new { to }, tx, cancellationToken: cancellationToken));
                return (delta.Rows, true);
            }

            var marks = (await connection.QueryAsync<(string Name, long Watermark)>(new CommandDefinition(
                "select name, watermark from rollup_state", transaction: tx, cancellationToken: cancellationToken))).ToDictionary(m => m.Name, m => m.Watermark, StringComparer.Ordinal);
            var last = new Dictionary<string, long>(StringComparer.Ordinal);
            string Range(string table) => $"seq > {marks[table]} order by seq limit {SqliteChunkRows}";
            await ReadAsync(connection, tx, delta, $"select uid, feature, created_at, bin_id, count, seq from psi_counts where {Range("psi_counts")}", r =>
            {
                delta.AddPsi(Key(r), r.GetInt32(3), r.GetDouble(4));
                last["psi_counts"] = r.GetInt64(5);
            }, cancellationToken);
            await ReadAsync(connection, tx, delta, $"select uid, feature, created_at, mean, seq, count from spc_samples where {Range("spc_samples")}", r =>
            {
                delta.AddSpc(Key(r), ReadMean(r.GetValue(3)), r.GetDouble(5));
                last["spc_samples"] = r.GetInt64(4);
            }, cancellationToken);
            await ReadAsync(connection, tx, delta, $"select uid, metric, created_at, sum, count, seq from custom_values where {Range("custom_values")}", r =>
            {
                RollupDelta.AddMetric(delta.Custom, Key(r), ReadMean(r.GetValue(3)), r.GetDouble(4));
                last["custom_values"] = r.GetInt64(5);
            }, cancellationToken);
            await ReadAsync(connection, tx, delta, $"select uid, metric, evaluated_at, score, seq from llm_scores where {Range("llm_scores")}", r =>
            {
                if (r.GetValue(2) is not DBNull) RollupDelta.AddMetric(delta.LlmScores, Key(r), ReadMean(r.GetValue(3)), 1);
                last["llm_scores"] = r.GetInt64(4);
            }, cancellationToken);
            if (last.Count == 0) return (0L, false);
            await SqliteRollupTables.AddAsync((SqliteConnection)connection, (SqliteTransaction)tx, delta, cancellationToken);
            foreach (var (table, seq) in last)
            {
                await connection.ExecuteAsync(new CommandDefinition("update rollup_state set watermark = @seq where name = @table", new { seq, table }, tx, cancellationToken: cancellationToken));
            }
            return (delta.Rows, true);
        }, cancellationToken);

    // LLM scores count by the time they were judged (evaluated_at), as checks and queries read them;
    // a score without one (only rows written outside the server) is never counted, raw or rolled up.

    /// <summary>Runs passes until one folds nothing (or <paramref name="maxPasses"/> ran); returns the rows folded.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken, int maxPasses = 1000)
    {
        long total = 0;
        for (var i = 0; i < maxPasses; i++)
        {
            var rows = await RunOnceAsync(cancellationToken);
            if (rows == 0) break;
            total += rows;
        }
        return total;
    }

    /// <summary>
    /// Folds every row committed before the call, for retention, which must not remove a raw row the
    /// roll-ups have not counted. On PostgreSQL a pass folds only below the cluster's oldest open
    /// transaction (in any database), so this polls until the watermark passes every transaction id
    /// assigned before the call; false when <paramref name="timeout"/> ran out first.
    /// </summary>
    public async Task<bool> FoldCommittedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        long? target = null;
        if (database.Dialect == SqlDialect.Postgres)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            target = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select pg_snapshot_xmax(pg_current_snapshot())::text::bigint", cancellationToken: cancellationToken));
        }
        while (true)
        {
            var folded = await RunOnceAsync(cancellationToken);
            if (target is not { } xmax)
            {
                // SQLite's single writer: a pass that folds nothing means every committed row is folded.
                if (folded == 0) return true;
            }
            else
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                var watermark = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "select watermark from rollup_state where name = 'records'", cancellationToken: cancellationToken));
                if (watermark >= xmax) return true;
            }
            if (TimeProvider.System.GetTimestamp() >= deadline) return false;
            if (folded == 0) await Task.Delay(FoldPollInterval, cancellationToken);
        }
    }

    private static readonly TimeSpan FoldPollInterval = TimeSpan.FromMilliseconds(50);

    private static async Task ReadRawAsync(DbConnection connection, DbTransaction tx, RollupDelta delta, string range, CancellationToken ct)
    {
        await ReadAsync(connection, tx, delta, $"select uid, feature, created_at, mean, count from spc_samples where {range}", r => delta.AddSpc(Key(r), r.GetDouble(3), r.GetInt64(4)), ct);
        await ReadAsync(connection, tx, delta, $"select uid, metric, created_at, sum, count from custom_values where {range}",
            r => RollupDelta.AddMetric(delta.Custom, Key(r), r.GetDouble(3), r.GetInt64(4)), ct);
        await ReadAsync(connection, tx, delta, $"select uid, metric, evaluated_at, score from llm_scores where evaluated_at is not null and {range}",
            r => RollupDelta.AddMetric(delta.LlmScores, Key(r), r.GetDouble(3), 1), ct);
    }

    private static void AddPsiArrays(RollupDelta delta, DbDataReader r)
    {
        var key = Key(r);
        var bins = (int[])r.GetValue(3);
        var counts = (long[])r.GetValue(4);
        for (var i = 0; i < bins.Length && i < counts.Length; i++) delta.AddPsi(key, bins[i], counts[i]);
    }

    private static RollupKey Key(DbDataReader r) =>
        new(DbValues.ReadId(r.GetValue(0)), RollupGrain.HourOf(DbValues.ReadTime(r.GetValue(2))), r.GetString(1));

    /// <summary>SQLite keeps a NaN as null.</summary>
    private static double ReadMean(object value) => value is DBNull ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ReadAsync(DbConnection connection, DbTransaction tx, RollupDelta delta, string sql, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            row(reader);
            delta.Rows++;
        }
    }
}
