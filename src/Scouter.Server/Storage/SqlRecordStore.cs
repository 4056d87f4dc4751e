using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Scouter.Server.Storage;

/// <summary>
/// <see cref="IRecordStore"/> over SQLite (prepared multi-row inserts under the write lock) or
/// PostgreSQL (daily partitions created on demand, binary COPY per table).
/// </summary>
internal sealed partial class SqlRecordStore : IRecordStore
{
    private static readonly string[] RecordTables = ["psi_counts", "spc_samples", "custom_values", "llm_records", "llm_scores"];
    private static readonly string[] RollupTables = ["psi_hourly", "spc_hourly", "custom_hourly", "llm_score_hourly", "llm_status_hourly"];

    private readonly ScouterDatabase _db;
    private readonly ILogger<SqlRecordStore> _log;
    private readonly RecordQueries _queries;
    private readonly ConcurrentDictionary<DateOnly, bool> _partitionDays = new();

    /// <summary>Creates the store; <paramref name="useRollups"/> false makes every read the raw computation (to check that roll-up reads equal it).</summary>
    public SqlRecordStore(ScouterDatabase db, ILogger<SqlRecordStore> log, bool useRollups = true)
    {
        _db = db;
        _log = log;
        _queries = new RecordQueries(db, useRollups);
    }

    public async Task<IngestOutcome> IngestAsync(IngestBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return (await IngestManyAsync([batch], cancellationToken))[0];
    }

    public async Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var outcomes = new IngestOutcome[batches.Count];
        if (batches.Count == 0) return outcomes;
        var sqlite = _db.Dialect == SqlDialect.Sqlite;
        if (!sqlite) await EnsurePartitionsAsync(batches.SelectMany(b => b.Times), cancellationToken);
        return await _db.WriteAsync(async (connection, tx) =>
        {
            var claimed = new List<IngestBatch>(batches.Count);
            var seen = new HashSet<Guid>();
            for (var i = 0; i < batches.Count; i++)
            {
                var batch = batches[i];
                // The primary key decides: a concurrent writer of the same id waits for our commit and then inserts nothing.
                var isNew = seen.Add(batch.BatchId) && await connection.ExecuteAsync(new CommandDefinition(
                    "insert into ingested_batches (batch_id, received_at, records, rejected) values (@id, @at, @records, @rejected) on conflict do nothing",
                    new { id = _db.Id(batch.BatchId), at = _db.Time(batch.ReceivedAt), records = batch.Records, rejected = RejectedJson.Serialize(batch.Rejected) },
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
                    llm.Select(r => new { id = _db.Id(r.Id), uid = _db.Id(r.Uid), created_at = _db.Time(r.CreatedAt), payload = r.Payload }),
                    tx, cancellationToken: cancellationToken));
            }
            return (outcomes, true);
        }, cancellationToken);
    }

    public async Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select records, rejected from ingested_batches where batch_id = @id", new { id = _db.Id(batchId) }, cancellationToken: cancellationToken));
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new IngestedBatch(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), RejectedJson.Parse(DbValues.ReadNullableString(reader.GetValue(1))));
    }

    public Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.PsiCountsAsync(uid, window, cancellationToken);

    public Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.PsiFeatureCountsAsync(uid, window, cancellationToken);

    public Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.SpcStatsAsync(uid, window, cancellationToken);

    public async Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature,
        CancellationToken cancellationToken = default)
    {
        var sql = $"""
            select feature, created_at, mean, count from spc_samples
            where uid = @uid and created_at > @from and created_at <= @to{(feature is null ? string.Empty : " and feature = @feature")}
            order by created_at desc, feature limit @limit
            """;
        var result = new List<SpcSampleRow>();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql,
            new { uid = _db.Id(uid), from = _db.Time(from), to = _db.Time(to), limit, feature }, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            // A non-finite mean cannot come through ingestion; one written otherwise is skipped (it has no zone and no JSON form).
            var mean = reader.GetDouble(2);
            if (double.IsFinite(mean)) result.Add(new SpcSampleRow(uid, reader.GetString(0), DbValues.ReadTime(reader.GetValue(1)), mean, reader.GetInt64(3)));
        }
        result.Reverse();
        return result;
    }

    public Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.CustomValuesAsync(uid, window, cancellationToken);

    public Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) =>
        _queries.LlmScoresAsync(uid, window, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis = LlmStatusAxis.Created, CancellationToken cancellationToken = default) =>
        _queries.LlmStatusCountsAsync(uid, window, axis, cancellationToken);

    public Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        _db.WriteAsync(async (connection, tx) =>
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

    public async Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var dropped = 0;
        long deleted = 0;
        var sqlite = _db.Dialect == SqlDialect.Sqlite;
        await using var connection = await _db.OpenAsync(cancellationToken);
        if (!sqlite)
        {
            var lastDroppable = DateOnly.FromDateTime(cutoff.UtcDateTime).AddDays(-1);
            foreach (var table in RecordTables)
            {
                var partitions = await connection.QueryAsync<string>(new CommandDefinition(
                    "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = @table",
                    new { table }, cancellationToken: cancellationToken));
                foreach (var partition in partitions)
                {
                    var match = PartitionName().Match(partition);
                    if (!match.Success || match.Groups[1].Value != table) continue;
                    var day = DateOnly.ParseExact(match.Groups[2].Value, "yyyyMMdd", CultureInfo.InvariantCulture);
                    if (day > lastDroppable) continue;
                    await connection.ExecuteAsync(new CommandDefinition($"drop table if exists {partition}", cancellationToken: cancellationToken));
                    _partitionDays.TryRemove(day, out _);
                    dropped++;
                }
            }
        }
        if (sqlite) await _db.WriteLock.WaitAsync(cancellationToken);
        try
        {
            var at = _db.Time(cutoff);
            foreach (var table in RecordTables)
            {
                deleted += await connection.ExecuteAsync(new CommandDefinition($"delete from {table} where created_at < @at", new { at }, cancellationToken: cancellationToken));
            }
            deleted += await connection.ExecuteAsync(new CommandDefinition("delete from ingested_batches where received_at < @at", new { at }, cancellationToken: cancellationToken));
        }
        finally
        {
            if (sqlite) _db.WriteLock.Release();
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
        if (batch.Spc.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync("copy spc_samples (uid, feature, created_at, mean, count) from stdin (format binary)", ct);
            foreach (var r in batch.Spc)
            {
                copy.StartRow();
                copy.Write(r.Uid, NpgsqlDbType.Uuid);
                copy.Write(r.Feature, NpgsqlDbType.Text);
                copy.Write(DbTime.Normalize(r.CreatedAt), NpgsqlDbType.TimestampTz);
                copy.Write(r.Mean, NpgsqlDbType.Double);
                copy.Write(r.Count, NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(ct);
        }
        if (batch.Custom.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync("copy custom_values (uid, metric, created_at, sum, count) from stdin (format binary)", ct);
            foreach (var r in batch.Custom)
            {
                copy.StartRow();
                copy.Write(r.Uid, NpgsqlDbType.Uuid);
                copy.Write(r.Metric, NpgsqlDbType.Text);
                copy.Write(DbTime.Normalize(r.CreatedAt), NpgsqlDbType.TimestampTz);
                copy.Write(r.Sum, NpgsqlDbType.Double);
                copy.Write(r.Count, NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(ct);
        }
    }

    /// <summary>
    /// Creates the daily partitions of every record table for the batch's days, outside the ingest
    /// transaction (DDL failures must not abort it). Two writers racing on the same day are fine:
    /// the loser's "already exists" is ignored. A day whose rows already sit in the default partition
    /// cannot get its own partition; its rows keep going to the default one (retention still deletes them).
    /// </summary>
    private async Task EnsurePartitionsAsync(IEnumerable<DateTimeOffset> times, CancellationToken ct)
    {
        var days = times.Select(t => DateOnly.FromDateTime(t.UtcDateTime)).Distinct().Where(d => !_partitionDays.ContainsKey(d)).ToList();
        if (days.Count == 0) return;
        await using var connection = await _db.OpenAsync(ct);
        foreach (var day in days)
        {
            var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var suffix = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            foreach (var table in RecordTables)
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"create table if not exists {table}_{suffix} partition of {table} for values from ('{from} 00:00:00+00') to ('{to} 00:00:00+00')",
                        cancellationToken: ct));
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
                {
                    // Another writer created it between our "if not exists" check and the create.
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
                {
                    LogPartitionSkipped(_log, table, suffix, ex.MessageText);
                }
            }
            _partitionDays[day] = true;
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Partition {Table}_{Day} not created: the default partition already holds rows of that day ({Reason})")]
    private static partial void LogPartitionSkipped(ILogger logger, string table, string day, string reason);

    [GeneratedRegex(@"^(psi_counts|spc_samples|custom_values|llm_records|llm_scores)_(\d{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex PartitionName();
}
