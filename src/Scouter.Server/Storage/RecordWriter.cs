using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Scouter.Server.Storage;

/// <summary>
/// The record store's writes: idempotent group-commit ingestion (SQLite: prepared multi-row inserts
/// under the write lock; PostgreSQL: binary COPY per table into daily partitions) and retention.
/// </summary>
internal sealed class RecordWriter(ScouterDatabase db, RecordPartitions partitions)
{
    private static readonly string[] RollupTables = ["psi_hourly", "spc_hourly", "custom_hourly", "llm_score_hourly", "llm_status_hourly"];

    /// <summary>Stores every batch whose id is new in one transaction; see <see cref="IRecordStore.IngestManyAsync"/>.</summary>
    public async Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var outcomes = new IngestOutcome[batches.Count];
        if (batches.Count == 0) return outcomes;
        var sqlite = db.Dialect == SqlDialect.Sqlite;
        if (!sqlite) await partitions.EnsureAsync(batches.SelectMany(b => b.Times), cancellationToken);
        return await db.WriteAsync(async (connection, tx) =>
        {
            var claimed = new List<IngestBatch>(batches.Count);
            var seen = new HashSet<Guid>();
            for (var i = 0; i < batches.Count; i++)
            {
                var batch = batches[i];
                // The primary key decides: a concurrent writer of the same id waits for our commit and then inserts nothing.
                var isNew = seen.Add(batch.BatchId) && await connection.ExecuteAsync(new CommandDefinition(
                    "insert into ingested_batches (batch_id, received_at, records, rejected) values (@id, @at, @records, @rejected) on conflict do nothing",
                    new { id = db.Id(batch.BatchId), at = db.Time(batch.ReceivedAt), records = batch.Records, rejected = RejectedJson.Serialize(batch.Rejected) },
                    tx, cancellationToken: cancellationToken)) == 1;
                outcomes[i] = isNew ? IngestOutcome.Stored : IngestOutcome.Duplicate;
                if (isNew) claimed.Add(batch);
            }
            if (claimed.Count == 0) return (outcomes, false);
            if (sqlite) await InsertSqliteAsync((SqliteConnection)connection, (SqliteTransaction)tx, claimed, cancellationToken);
            else await CopyPostgresAsync((NpgsqlConnection)connection, claimed, cancellationToken);
            // In profile and hour order, so concurrent writers take the status roll-up rows (trigger upserts) in one order.
            var llm = claimed.SelectMany(b => b.Llm).OrderBy(r => r.Uid).ThenBy(r => r.CreatedAt).ToList();
            if (llm.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into llm_records (id, uid, created_at, payload, status, attempts) values (@id, @uid, @created_at, @payload, 'pending', 0) on conflict do nothing",
                    llm.Select(r => new { id = db.Id(r.Id), uid = db.Id(r.Uid), created_at = db.Time(r.CreatedAt), payload = r.Payload }),
                    tx, cancellationToken: cancellationToken));
            }
            return (outcomes, true);
        }, cancellationToken);
    }

    /// <summary>The first submission of <paramref name="batchId"/>, or null.</summary>
    public async Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select records, rejected from ingested_batches where batch_id = @id", new { id = db.Id(batchId) }, cancellationToken: cancellationToken));
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new IngestedBatch(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), RejectedJson.Parse(DbValues.ReadNullableString(reader.GetValue(1))));
    }

    /// <summary>Deletes the hourly roll-ups of the hours that end before <paramref name="cutoff"/>.</summary>
    public Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, tx) =>
        {
            // Hour k ends at (k+1) hours: it is older than the cutoff when k + 1 <= cutoff hours.
            var before = Rollups.RollupGrain.HoursBefore(DbTime.ToMicros(cutoff));
            long deleted = 0;
            foreach (var table in RollupTables)
            {
                deleted += await connection.ExecuteAsync(new CommandDefinition($"delete from {table} where bucket < @before", new { before }, tx, cancellationToken: cancellationToken));
            }
            return (deleted, true);
        }, cancellationToken);

    /// <summary>Deletes records and batch ids older than <paramref name="cutoff"/> (PostgreSQL: whole daily partitions first).</summary>
    public async Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var dropped = 0;
        long deleted = 0;
        var sqlite = db.Dialect == SqlDialect.Sqlite;
        await using var connection = await db.OpenAsync(cancellationToken);
        if (!sqlite) dropped = await partitions.DropBeforeAsync(connection, cutoff, cancellationToken);
        if (sqlite) await db.WriteLock.WaitAsync(cancellationToken);
        try
        {
            var at = db.Time(cutoff);
            foreach (var table in RecordSql.RecordTables)
            {
                deleted += await connection.ExecuteAsync(new CommandDefinition($"delete from {table} where created_at < @at", new { at }, cancellationToken: cancellationToken));
            }
            deleted += await connection.ExecuteAsync(new CommandDefinition("delete from ingested_batches where received_at < @at", new { at }, cancellationToken: cancellationToken));
        }
        finally
        {
            if (sqlite) db.WriteLock.Release();
        }
        return new RetentionResult(dropped, deleted);
    }

    private static async Task InsertSqliteAsync(SqliteConnection connection, SqliteTransaction tx, List<IngestBatch> batches, CancellationToken ct)
    {
        var batch = batches.Count == 1 ? batches[0] : Merge(batches);
        await SqliteBulkInsert.RunAsync(connection, tx, "psi_counts", ["uid", "feature", "bin_id", "created_at", "count"], batch.Psi,
            r => [Text(r.Uid), r.Feature, r.BinId, DbTime.ToMicros(r.CreatedAt), r.Count], ct);
        await SqliteBulkInsert.RunAsync(connection, tx, "spc_samples", ["uid", "feature", "created_at", "mean", "count"], batch.Spc,
            r => [Text(r.Uid), r.Feature, DbTime.ToMicros(r.CreatedAt), r.Mean, r.Count], ct);
        await SqliteBulkInsert.RunAsync(connection, tx, "custom_values", ["uid", "metric", "created_at", "sum", "count"], batch.Custom,
            r => [Text(r.Uid), r.Metric, DbTime.ToMicros(r.CreatedAt), r.Sum, r.Count], ct);
    }

    /// <summary>The rows of several batches as one, so a group commit runs one insert/COPY per table.</summary>
    private static IngestBatch Merge(List<IngestBatch> batches)
    {
        var merged = new IngestBatch { BatchId = batches[0].BatchId, ReceivedAt = batches[0].ReceivedAt, Records = batches.Sum(b => b.Records) };
        foreach (var b in batches)
        {
            merged.Psi.AddRange(b.Psi);
            merged.Spc.AddRange(b.Spc);
            merged.Custom.AddRange(b.Custom);
        }
        return merged;
    }

    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    // Rows are written with the synchronous Write: the importer buffers and flushes in large chunks,
    // and an await per field costs more than the occasional blocking flush.
    private static async Task CopyPostgresAsync(NpgsqlConnection connection, List<IngestBatch> batches, CancellationToken ct)
    {
        var batch = batches.Count == 1 ? batches[0] : Merge(batches);
        if (batch.Psi.Count > 0)
        {
            // Consecutive rows of one record (same uid, feature, time) become one row of parallel arrays.
            await using var copy = await connection.BeginBinaryImportAsync("copy psi_counts (uid, feature, created_at, bin_ids, counts) from stdin (format binary)", ct);
            var bins = new List<int>(16);
            var counts = new List<long>(16);
            var rows = batch.Psi;
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                bins.Add(r.BinId);
                counts.Add(r.Count);
                if (i + 1 < rows.Count && rows[i + 1].Uid == r.Uid && rows[i + 1].CreatedAt == r.CreatedAt && rows[i + 1].Feature == r.Feature) continue;
                copy.StartRow();
                copy.Write(r.Uid, NpgsqlDbType.Uuid);
                copy.Write(r.Feature, NpgsqlDbType.Text);
                copy.Write(DbTime.Normalize(r.CreatedAt), NpgsqlDbType.TimestampTz);
                copy.Write(bins, NpgsqlDbType.Array | NpgsqlDbType.Integer);
                copy.Write(counts, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                bins.Clear();
                counts.Clear();
            }
            await copy.CompleteAsync(ct);
        }
        await CopyValuesAsync(connection, "spc_samples", "feature", "mean", batch.Spc, r => (r.Uid, r.Feature, r.CreatedAt, r.Mean, r.Count), ct);
        await CopyValuesAsync(connection, "custom_values", "metric", "sum", batch.Custom, r => (r.Uid, r.Metric, r.CreatedAt, r.Sum, r.Count), ct);
    }

    /// <summary>COPYs rows of (uid, name, created_at, value, count) into <paramref name="table"/>.</summary>
    private static async Task CopyValuesAsync<T>(NpgsqlConnection connection, string table, string nameColumn, string valueColumn, List<T> rows,
        Func<T, (Guid Uid, string Name, DateTimeOffset CreatedAt, double Value, long Count)> columns, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var copy = await connection.BeginBinaryImportAsync($"copy {table} (uid, {nameColumn}, created_at, {valueColumn}, count) from stdin (format binary)", ct);
        foreach (var row in rows)
        {
            var (uid, name, createdAt, value, count) = columns(row);
            copy.StartRow();
            copy.Write(uid, NpgsqlDbType.Uuid);
            copy.Write(name, NpgsqlDbType.Text);
            copy.Write(DbTime.Normalize(createdAt), NpgsqlDbType.TimestampTz);
            copy.Write(value, NpgsqlDbType.Double);
            copy.Write(count, NpgsqlDbType.Bigint);
        }
        await copy.CompleteAsync(ct);
    }
}
