using System.Data.Common;
using Dapper;
using Scouter.Api;

namespace Scouter.Server.Storage;

/// <summary>An LLM record leased to one evaluation worker, with the metrics already scored for it.</summary>
internal sealed record LeasedLlmRecord(Guid Id, Guid Uid, DateTimeOffset CreatedAt, string Payload, int Attempts, IReadOnlySet<string> ScoredMetrics);

/// <summary>One metric's judged score for a record.</summary>
internal sealed record LlmScore(string Metric, double Score, string? Reason);

/// <summary>Filters of <see cref="LlmEvaluationStore.ListAsync"/>: one profile, optional status and creation-time window.</summary>
internal sealed record LlmRecordQuery(Guid Uid, string? Status, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize);

/// <summary>The end state of an evaluated record.</summary>
internal enum LlmRecordOutcome
{
    /// <summary>Every metric was scored.</summary>
    Done,

    /// <summary>At least one metric could not be scored within the allowed attempts (or cannot be scored at all).</summary>
    Failed,
}

/// <summary>
/// The evaluation state of LLM records. A claimed record stays <c>pending</c> with a lease owner
/// and a lease end, so the records of a crashed worker become claimable again when the lease has
/// passed. PostgreSQL claims with <c>for update skip locked</c>; SQLite under its single writer.
/// Scores are unique per (record, metric): whatever two owners do, each is stored at most once.
/// Writes by an owner whose lease was taken over change nothing but scores not yet stored.
/// </summary>
internal sealed class LlmEvaluationStore(ScouterDatabase database)
{
    /// <summary>
    /// Leases up to <paramref name="limit"/> pending records to <paramref name="owner"/> until
    /// <c>now + lease</c>: those with no lease or an expired one whose retry time (if any) has come, oldest first.
    /// </summary>
    public Task<IReadOnlyList<LeasedLlmRecord>> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.WriteAsync<IReadOnlyList<LeasedLlmRecord>>(async (connection, tx) =>
        {
            var lockClause = database.Dialect == SqlDialect.Postgres ? " for update skip locked" : string.Empty;
            var sql = $"""
                select id, uid, created_at, payload, attempts from llm_records
                where status = 'pending' and (lease_until is null or lease_until <= @now) and (next_attempt_at is null or next_attempt_at <= @now)
                order by created_at limit @limit{lockClause}
                """;
            var rows = new List<(Guid Id, Guid Uid, DateTimeOffset CreatedAt, string Payload, int Attempts)>();
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new { now = database.Time(now), limit }, tx, cancellationToken: cancellationToken)))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((DbValues.ReadId(reader.GetValue(0)), DbValues.ReadId(reader.GetValue(1)), DbValues.ReadTime(reader.GetValue(2)), reader.GetString(3),
                        (int)DbValues.ReadLong(reader.GetValue(4))));
                }
            }
            if (rows.Count == 0) return ([], false);

            var until = database.Time(now + lease);
            await connection.ExecuteAsync(new CommandDefinition(
                "update llm_records set lease_owner = @owner, lease_until = @until where id = @id and created_at = @created_at",
                rows.Select(r => new { owner, until, id = database.Id(r.Id), created_at = database.Time(r.CreatedAt) }), tx, cancellationToken: cancellationToken));

            var scored = new Dictionary<Guid, HashSet<string>>();
            foreach (var row in rows)
            {
                var metrics = await connection.QueryAsync<string>(new CommandDefinition(
                    "select metric from llm_scores where record_id = @id and created_at = @created_at",
                    new { id = database.Id(row.Id), created_at = database.Time(row.CreatedAt) }, tx, cancellationToken: cancellationToken));
                scored[row.Id] = new HashSet<string>(metrics, StringComparer.Ordinal);
            }
            IReadOnlyList<LeasedLlmRecord> leased = [.. rows.Select(r => new LeasedLlmRecord(r.Id, r.Uid, r.CreatedAt, r.Payload, r.Attempts, scored[r.Id]))];
            return (leased, true);
        }, cancellationToken);
    }

    /// <summary>
    /// Stores the scores of <paramref name="record"/> judged at <paramref name="evaluatedAt"/>; a metric
    /// already scored (by this or an earlier owner) keeps its first score. Returns how many were new.
    /// </summary>
    public Task<int> SaveScoresAsync(LeasedLlmRecord record, IReadOnlyCollection<LlmScore> scores, DateTimeOffset evaluatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) return Task.FromResult(0);
        var conflict = database.Dialect == SqlDialect.Postgres ? "on conflict (record_id, metric, created_at) do nothing" : "on conflict (record_id, metric) do nothing";
        return database.WriteAsync<int>(async (connection, tx) =>
        {
            var added = await connection.ExecuteAsync(new CommandDefinition(
                $"insert into llm_scores (uid, metric, record_id, created_at, score, reason, evaluated_at) values (@uid, @metric, @record_id, @created_at, @score, @reason, @evaluated_at) {conflict}",
                scores.Select(s => new
                {
                    uid = database.Id(record.Uid),
                    metric = s.Metric,
                    record_id = database.Id(record.Id),
                    created_at = database.Time(record.CreatedAt),
                    score = s.Score,
                    reason = s.Reason,
                    evaluated_at = database.Time(evaluatedAt),
                }), tx, cancellationToken: cancellationToken));
            return (added, true);
        }, cancellationToken);
    }

    /// <summary>
    /// Ends the evaluation of <paramref name="record"/> as <paramref name="outcome"/> (with <paramref name="error"/>
    /// when failed) and releases its lease. False, and nothing written, when <paramref name="owner"/> no longer holds it.
    /// </summary>
    public Task<bool> FinishAsync(string owner, LeasedLlmRecord record, LlmRecordOutcome outcome, int attempts, string? error, DateTimeOffset now,
        CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(owner, record,
            "status = @status, attempts = @attempts, error = @error, evaluated_at = @now, lease_owner = null, lease_until = null, next_attempt_at = null",
            new { status = outcome == LlmRecordOutcome.Done ? "done" : "failed", attempts, error, now = database.Time(now) }, cancellationToken);

    /// <summary>
    /// Releases <paramref name="record"/> for another attempt after <paramref name="retryAt"/>, counting
    /// <paramref name="attempts"/> and keeping the last <paramref name="error"/>. False when the lease was lost.
    /// </summary>
    public Task<bool> RetryLaterAsync(string owner, LeasedLlmRecord record, int attempts, string error, DateTimeOffset retryAt, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(owner, record, "attempts = @attempts, error = @error, next_attempt_at = @retry_at, lease_owner = null, lease_until = null",
            new { attempts, error, retry_at = database.Time(retryAt) }, cancellationToken);

    /// <summary>Gives <paramref name="record"/> back untouched (no attempt spent), e.g. while judging is paused.</summary>
    public Task<bool> ReleaseAsync(string owner, LeasedLlmRecord record, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(owner, record, "lease_owner = null, lease_until = null", new { }, cancellationToken);

    /// <summary>
    /// Gives <paramref name="record"/> back without spending an attempt, not to be claimed before
    /// <paramref name="until"/> (judging is paused). False when the lease was lost.
    /// </summary>
    public Task<bool> DeferAsync(string owner, LeasedLlmRecord record, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        UpdateLeasedAsync(owner, record, "next_attempt_at = @until, lease_owner = null, lease_until = null", new { until = database.Time(until) }, cancellationToken);

    /// <summary>How many records wait for evaluation, and the record time of the oldest (null when none).</summary>
    public async Task<(long Count, DateTimeOffset? Oldest)> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select count(*), min(created_at) from llm_records where status = 'pending'", cancellationToken: cancellationToken));
        await reader.ReadAsync(cancellationToken);
        return (DbValues.ReadLong(reader.GetValue(0)), DbValues.ReadNullableTime(reader.GetValue(1)));
    }

    private const string SummaryColumns = "id, uid, created_at, status, attempts, error, evaluated_at";

    /// <summary>One page of a profile's records, newest first, and how many match.</summary>
    public async Task<(IReadOnlyList<LlmRecordSummary> Items, long Total)> ListAsync(LlmRecordQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = "uid = @uid";
        var args = new DynamicParameters();
        args.Add("uid", database.Id(query.Uid));
        if (query.Status is { } status) { filter += " and status = @status"; args.Add("status", status); }
        if (query.From is { } from) { filter += " and created_at > @from"; args.Add("from", database.Time(from)); }
        if (query.To is { } to) { filter += " and created_at <= @to"; args.Add("to", database.Time(to)); }
        args.Add("limit", query.PageSize);
        args.Add("offset", (long)(query.Page - 1) * query.PageSize);
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = DbValues.ReadLong(await connection.ExecuteScalarAsync<object>(new CommandDefinition($"select count(*) from llm_records where {filter}", args, cancellationToken: cancellationToken)));
        var items = new List<LlmRecordSummary>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"select {SummaryColumns} from llm_records where {filter} order by created_at desc, id desc limit @limit offset @offset", args, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken)) items.Add(ReadSummary(reader));
        return (items, total);
    }

    /// <summary>A record with its payload and stored scores, or null.</summary>
    public async Task<(LlmRecordSummary Record, string Payload, IReadOnlyList<LlmMetricScore> Scores)?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        LlmRecordSummary record;
        string payload;
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"select {SummaryColumns}, payload from llm_records where id = @id", new { id = database.Id(id) }, cancellationToken: cancellationToken)))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            record = ReadSummary(reader);
            payload = reader.GetString(7);
        }
        var scores = new List<LlmMetricScore>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select metric, score, reason, evaluated_at from llm_scores where record_id = @id and created_at = @created_at order by metric",
            new { id = database.Id(id), created_at = database.Time(record.CreatedAt) }, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                scores.Add(new LlmMetricScore(reader.GetString(0), DbValues.ReadDouble(reader.GetValue(1)), DbValues.ReadNullableString(reader.GetValue(2)),
                    DbValues.ReadNullableTime(reader.GetValue(3))));
            }
        }
        return (record, payload, scores);
    }

    /// <summary>
    /// Makes a failed record pending again with its attempts reset (its stored scores stay, so only the
    /// unscored metrics are judged again). False when the record is not failed.
    /// </summary>
    public Task<bool> RetryFailedAsync(Guid id, CancellationToken cancellationToken = default) =>
        database.WriteAsync<bool>(async (connection, tx) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "update llm_records set status = 'pending', attempts = 0, error = null, evaluated_at = null, next_attempt_at = null, lease_owner = null, lease_until = null where id = @id and status = 'failed'",
                new { id = database.Id(id) }, tx, cancellationToken: cancellationToken));
            return (changed == 1, true);
        }, cancellationToken);

    private static LlmRecordSummary ReadSummary(DbDataReader reader) =>
        new(DbValues.ReadId(reader.GetValue(0)), DbValues.ReadId(reader.GetValue(1)), DbValues.ReadTime(reader.GetValue(2)), reader.GetString(3),
            (int)DbValues.ReadLong(reader.GetValue(4)), DbValues.ReadNullableString(reader.GetValue(5)), DbValues.ReadNullableTime(reader.GetValue(6)));

    private Task<bool> UpdateLeasedAsync(string owner, LeasedLlmRecord record, string assignments, object values, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(record);
        var parameters = new DynamicParameters(values);
        parameters.Add("owner", owner);
        parameters.Add("id", database.Id(record.Id));
        parameters.Add("created_at", database.Time(record.CreatedAt));
        return database.WriteAsync<bool>(async (connection, tx) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                $"update llm_records set {assignments} where id = @id and created_at = @created_at and status = 'pending' and lease_owner = @owner",
                parameters, tx, cancellationToken: cancellationToken));
            return (changed == 1, true);
        }, cancellationToken);
    }
}
