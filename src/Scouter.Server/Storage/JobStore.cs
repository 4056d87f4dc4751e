using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using Scouter.Server.Jobs;

namespace Scouter.Server.Storage;

/// <summary>A profile claimed for its scheduled check.</summary>
internal sealed record ClaimedJob(Guid Uid, string Space, string ProfileJson, string Schedule, string? TimeZone, DateTimeOffset? LastCheckedSlot, DateTimeOffset NextRun);

/// <summary>A profile as the job routes need it.</summary>
internal sealed record JobProfile(Guid Uid, string Space, string ProfileJson, string Schedule, string? TimeZone, bool Active, DateTimeOffset? LastCheckedSlot, DateTimeOffset? NextRun);

/// <summary>
/// An evaluated check to persist. <c>Slot</c> is the cron slot (scheduled) or the run time (manual);
/// <c>NextRun</c> (scheduled only) is the next cron occurrence after now.
/// </summary>
internal sealed record CheckCompletion(Guid Uid, string Space, string Runner, string Trigger, DateTimeOffset Slot, DateTimeOffset? WindowStart, DateTimeOffset WindowEnd,
    DateTimeOffset RanAt, CheckOutcome Outcome, TimeSpan RepeatInterval, DateTimeOffset? NextRun);

/// <summary>How <see cref="JobStore.CompleteAsync"/> ended.</summary>
internal enum CompleteStatus
{
    /// <summary>Check run, alerts and schedule written.</summary>
    Completed,

    /// <summary>Another replica holds the lease now; nothing was written.</summary>
    LeaseLost,

    /// <summary>The slot was already checked; the lease was released and nothing else written.</summary>
    DuplicateSlot,
}

/// <summary>Result of persisting a check.</summary>
internal sealed record CompleteResult(CompleteStatus Status, long? CheckRunId, int AlertsOpened, int AlertsResolved);

/// <summary>A persisted check run.</summary>
internal sealed record CheckRunRow(long Id, DateTimeOffset Slot, DateTimeOffset? WindowStart, DateTimeOffset WindowEnd, DateTimeOffset RanAt, string Runner, string Trigger,
    int AlertCount, string ResultJson);

/// <summary>
/// The schedule state of profiles: leases, check runs, and the alert writes that go with them, in
/// one transaction. PostgreSQL claims with <c>for update skip locked</c>; SQLite under the write lock.
/// </summary>
internal sealed class JobStore(ScouterDatabase database)
{
    private const string ScheduleColumns = "uid, space, profile_json, schedule, time_zone, last_checked_slot, next_run";

    public ScouterDatabase Database => database;

    /// <summary>Claims one active, due profile whose lease is free or expired, leasing it to <paramref name="owner"/> until <c>now + lease</c>.</summary>
    public Task<ClaimedJob?> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        database.WriteAsync<ClaimedJob?>(async (connection, tx) =>
        {
            var lockClause = database.Dialect == SqlDialect.Postgres ? " for update skip locked" : string.Empty;
            var sql = $"""
                select {ScheduleColumns} from profiles
                where active and next_run <= @now and (lease_until is null or lease_until <= @now)
                order by next_run limit 1{lockClause}
                """;
            ClaimedJob? job = null;
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new { now = database.Time(now) }, tx, cancellationToken: cancellationToken)))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    job = new ClaimedJob(DbValues.ReadId(reader.GetValue(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                        DbValues.ReadNullableString(reader.GetValue(4)), DbValues.ReadNullableTime(reader.GetValue(5)), DbValues.ReadNullableTime(reader.GetValue(6))!.Value);
                }
            }
            if (job is null) return (null, false);
            await connection.ExecuteAsync(new CommandDefinition("update profiles set lease_owner = @owner, lease_until = @until where uid = @uid",
                new { owner, until = database.Time(now + lease), uid = database.Id(job.Uid) }, tx, cancellationToken: cancellationToken));
            return (job, true);
        }, cancellationToken);

    /// <summary>
    /// Persists a scheduled check in one transaction: verifies the lease, inserts the check run
    /// (unique per slot), reconciles alerts, advances the schedule and releases the lease.
    /// </summary>
    public Task<CompleteResult> CompleteAsync(CheckCompletion check, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, tx) =>
        {
            if (!await HoldsLeaseAsync(connection, tx, check.Uid, check.Runner, cancellationToken))
                return (new CompleteResult(CompleteStatus.LeaseLost, null, 0, 0), false);

            var id = await InsertRunAsync(connection, tx, check, cancellationToken);
            if (id is null)
            {
                // Someone already checked this slot: release our lease and move on without new alerts.
                await connection.ExecuteAsync(new CommandDefinition(
                    "update profiles set next_run = @next, lease_owner = null, lease_until = null where uid = @uid and lease_owner = @owner",
                    new { next = database.Time(check.NextRun), uid = database.Id(check.Uid), owner = check.Runner }, tx, cancellationToken: cancellationToken));
                return (new CompleteResult(CompleteStatus.DuplicateSlot, null, 0, 0), true);
            }

            var (opened, resolved) = await AlertStore.ApplyAsync(database, connection, tx, check, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "update profiles set last_checked_slot = @slot, next_run = @next, lease_owner = null, lease_until = null where uid = @uid",
                new { slot = database.Time(check.Slot), next = database.Time(check.NextRun), uid = database.Id(check.Uid) }, tx, cancellationToken: cancellationToken));
            return (new CompleteResult(CompleteStatus.Completed, id, opened, resolved), true);
        }, cancellationToken);

    /// <summary>Persists a manual check (trigger <c>manual</c>) and its alert changes; the schedule is not touched.</summary>
    public Task<CompleteResult> RecordManualAsync(CheckCompletion check, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, tx) =>
        {
            // Serializes with a concurrent scheduled completion of the same profile (alert reconciliation).
            if (database.Dialect == SqlDialect.Postgres)
            {
                await connection.ExecuteAsync(new CommandDefinition("select 1 from profiles where uid = @uid for update",
                    new { uid = database.Id(check.Uid) }, tx, cancellationToken: cancellationToken));
            }
            var id = await InsertRunAsync(connection, tx, check, cancellationToken);
            var (opened, resolved) = await AlertStore.ApplyAsync(database, connection, tx, check, cancellationToken);
            return (new CompleteResult(CompleteStatus.Completed, id, opened, resolved), true);
        }, cancellationToken);

    /// <summary>Moves <c>next_run</c> without checking (no slot due, or the check failed) and releases the lease if still held.</summary>
    public Task<bool> RescheduleAsync(Guid uid, string owner, DateTimeOffset? nextRun, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var n = await connection.ExecuteAsync(new CommandDefinition(
                "update profiles set next_run = @next, lease_owner = null, lease_until = null where uid = @uid and lease_owner = @owner",
                new { next = database.Time(nextRun), uid = database.Id(uid), owner }, tx, cancellationToken: cancellationToken));
            return (n == 1, true);
        }, cancellationToken);

    /// <summary>The profile's schedule state, or null when unknown.</summary>
    public async Task<JobProfile?> GetProfileAsync(Guid uid, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select uid, space, profile_json, schedule, time_zone, active, last_checked_slot, next_run from profiles where uid = @uid",
            new { uid = database.Id(uid) }, cancellationToken: cancellationToken));
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new JobProfile(DbValues.ReadId(reader.GetValue(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), DbValues.ReadNullableString(reader.GetValue(4)),
            Convert.ToBoolean(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture), DbValues.ReadNullableTime(reader.GetValue(6)), DbValues.ReadNullableTime(reader.GetValue(7)));
    }

    /// <summary>Check runs of a profile whose window ends in [from, to], newest first.</summary>
    public async Task<IReadOnlyList<CheckRunRow>> ListChecksAsync(Guid uid, DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken = default)
    {
        var args = new DynamicParameters();
        args.Add("uid", database.Id(uid));
        args.Add("limit", limit);
        args.Add("offset", offset);
        var where = "uid = @uid";
        if (from is { } f) { where += " and window_end >= @from"; args.Add("from", database.Time(f)); }
        if (to is { } t) { where += " and window_end <= @to"; args.Add("to", database.Time(t)); }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"""select id, slot, window_start, window_end, ran_at, runner, "trigger", alert_count, result_json from check_runs where {where} order by window_end desc, id desc limit @limit offset @offset""",
            args, cancellationToken: cancellationToken));
        var rows = new List<CheckRunRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CheckRunRow(DbValues.ReadLong(reader.GetValue(0)), DbValues.ReadNullableTime(reader.GetValue(1))!.Value, DbValues.ReadNullableTime(reader.GetValue(2)),
                DbValues.ReadNullableTime(reader.GetValue(3))!.Value, DbValues.ReadNullableTime(reader.GetValue(4))!.Value, reader.GetString(5), reader.GetString(6),
                (int)DbValues.ReadLong(reader.GetValue(7)), reader.GetString(8)));
        }
        return rows;
    }

    private async Task<bool> HoldsLeaseAsync(DbConnection connection, DbTransaction tx, Guid uid, string owner, CancellationToken ct)
    {
        var lockClause = database.Dialect == SqlDialect.Postgres ? " for update" : string.Empty;
        var current = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"select lease_owner from profiles where uid = @uid{lockClause}", new { uid = database.Id(uid) }, tx, cancellationToken: ct));
        return current == owner;
    }

    private async Task<long?> InsertRunAsync(DbConnection connection, DbTransaction tx, CheckCompletion check, CancellationToken ct)
    {
        var result = (JsonObject)check.Outcome.Result.DeepClone();
        result["trigger"] = check.Trigger;
        result["slot"] = DriftCheckEngine.Format(check.Slot);
        result["ran_at"] = DriftCheckEngine.Format(check.RanAt);
        result["runner"] = check.Runner;
        var conflict = check.Trigger == "schedule" ? """ on conflict (uid, slot) where "trigger" = 'schedule' do nothing""" : string.Empty;
        var sql = $"""
            insert into check_runs (uid, slot, window_start, window_end, ran_at, runner, "trigger", alert_count, result_json)
            values (@uid, @slot, @start, @end, @ran, @runner, @trigger, @alerts, @result){conflict}
            returning id
            """;
        var id = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(sql, new
        {
            uid = database.Id(check.Uid),
            slot = database.Time(check.Slot),
            start = database.Time(check.WindowStart),
            end = database.Time(check.WindowEnd),
            ran = database.Time(check.RanAt),
            runner = check.Runner,
            trigger = check.Trigger,
            alerts = check.Outcome.Findings.Count,
            result = result.ToJsonString(),
        }, tx, cancellationToken: ct));
        return id is null or DBNull ? null : DbValues.ReadLong(id);
    }
}
