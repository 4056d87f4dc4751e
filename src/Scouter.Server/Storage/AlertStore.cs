using System.Data.Common;
using Dapper;
using Scouter.Server.Alerts;

namespace Scouter.Server.Storage;

/// <summary>One stored alert, with its profile's name, version and drift type.</summary>
internal sealed record AlertRow(long Id, Guid Uid, string Space, string FeatureOrMetric, string Kind, int? Zone, string Severity, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, string PayloadJson, DateTimeOffset? LastNotifiedAt, string? NotifyPending,
    int NotifyAttempts, string? NotifyError, DateTimeOffset? NextAttemptAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt,
    string ProfileName, string ProfileVersion, DriftType DriftType);

/// <summary>An alert whose notice is due, with the profile JSON the dispatcher reads its channels from.</summary>
internal sealed record PendingNotice(AlertRow Alert, string Pending, string ProfileJson);

/// <summary>
/// Alert list filters (all optional, all must hold): <paramref name="Open"/> true is firing or
/// acknowledged, false is resolved; <paramref name="Status"/>, <paramref name="Severity"/> and
/// <paramref name="Kind"/> match the stored value.
/// </summary>
internal sealed record AlertQuery(Guid? Uid, IReadOnlyList<string>? Spaces, string? Status, DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize,
    bool? Open = null, string? Severity = null, string? Kind = null);

/// <summary>Alerts: reconciliation inside a check's transaction, queries, acknowledgement, and the notification outbox.</summary>
internal sealed class AlertStore(ScouterDatabase database)
{
    /// <summary>What <see cref="Read"/> reads, from <see cref="From"/>.</summary>
    private const string Columns = """
        a.id, a.uid, a.space, a.feature_or_metric, a.kind, a.zone, a.severity, a.status, a.created_at, a.updated_at, a.resolved_at, a.payload_json,
        a.last_notified_at, a.notify_pending, a.notify_attempts, a.notify_error, a.next_attempt_at, a.acknowledged_by, a.acknowledged_at,
        p.name, p.version, p.drift_type
        """;

    /// <summary>Alerts with their profiles (a profile's alerts are deleted with it, so every alert has one).</summary>
    private const string From = "alerts a join profiles p on p.uid = a.uid";

    /// <summary>The number of <see cref="Columns"/>.</summary>
    private const int ColumnCount = 22;

    /// <summary>Applies the reconciler's changes for <paramref name="check"/> inside the caller's transaction; returns (opened, resolved).</summary>
    internal static async Task<(int Opened, int Resolved)> ApplyAsync(ScouterDatabase database, DbConnection connection, DbTransaction tx, CheckCompletion check,
        CancellationToken ct)
    {
        var open = new List<OpenAlert>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select id, feature_or_metric, kind, zone, status, created_at, last_notified_at, notify_pending from alerts where uid = @uid and status in ('firing', 'acknowledged')",
            new { uid = database.Id(check.Uid) }, tx, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                open.Add(new OpenAlert(DbValues.ReadLong(reader.GetValue(0)), new AlertKey(reader.GetString(1), reader.GetString(2), DbValues.ReadNullableInt(reader.GetValue(3))),
                    reader.GetString(4), DbValues.ReadNullableTime(reader.GetValue(5))!.Value, DbValues.ReadNullableTime(reader.GetValue(6)), DbValues.ReadNullableString(reader.GetValue(7))));
            }
        }

        var now = database.Time(check.RanAt);
        int opened = 0, resolved = 0;
        foreach (var change in AlertReconciler.Reconcile(open, check.Outcome.Findings, check.Outcome.Evaluated, check.RanAt, check.RepeatInterval))
        {
            switch (change)
            {
                case OpenNewAlert o:
                    await connection.ExecuteAsync(new CommandDefinition("""
                        insert into alerts (uid, space, feature_or_metric, kind, zone, severity, status, created_at, updated_at, payload_json,
                                            notify_pending, notify_attempts, next_attempt_at)
                        values (@uid, @space, @subject, @kind, @zone, @severity, 'firing', @now, @now, @payload, 'fire', 0, @now)
                        """, new
                    {
                        uid = database.Id(check.Uid), space = check.Space, subject = o.Finding.Key.Subject, kind = o.Finding.Key.Kind, zone = o.Finding.Key.Zone,
                        severity = o.Finding.Severity, now, payload = o.Finding.PayloadJson,
                    }, tx, cancellationToken: ct));
                    opened++;
                    break;
                case RefreshAlert r:
                    var notify = r.Renotify ? ", notify_pending = 'fire', notify_attempts = 0, notify_error = null, next_attempt_at = @now" : string.Empty;
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"update alerts set severity = @severity, payload_json = @payload, updated_at = @now{notify} where id = @id",
                        new { severity = r.Finding.Severity, payload = r.Finding.PayloadJson, now, id = r.Id }, tx, cancellationToken: ct));
                    break;
                case ResolveAlert x:
                    await connection.ExecuteAsync(new CommandDefinition("""
                        update alerts set status = 'resolved', resolved_at = @now, updated_at = @now,
                               notify_pending = 'resolve', notify_attempts = 0, notify_error = null, next_attempt_at = @now
                        where id = @id
                        """, new { now, id = x.Id }, tx, cancellationToken: ct));
                    resolved++;
                    break;
            }
        }
        return (opened, resolved);
    }

    /// <summary>One alert, or null.</summary>
    public async Task<AlertRow?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"select {Columns} from {From} where a.id = @id", new { id }, cancellationToken: cancellationToken));
        return await reader.ReadAsync(cancellationToken) ? Read(reader, 0) : null;
    }

    /// <summary>Alerts matching <paramref name="query"/>, newest first, and the total count.</summary>
    public async Task<(IReadOnlyList<AlertRow> Items, long Total)> ListAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        var args = new DynamicParameters();
        var where = new List<string> { "1 = 1" };
        if (query.Uid is { } uid) { where.Add("a.uid = @uid"); args.Add("uid", database.Id(uid)); }
        if (query.Spaces is { } spaces)
        {
            where.Add(database.In("a.space", "spaces"));
            args.Add("spaces", spaces.ToArray());
        }
        if (query.Status is { } status) { where.Add("a.status = @status"); args.Add("status", status); }
        if (query.Open is { } open) where.Add(open ? $"a.status in ('{AlertStatus.Firing}', '{AlertStatus.Acknowledged}')" : $"a.status = '{AlertStatus.Resolved}'");
        if (query.Severity is { } severity) { where.Add("a.severity = @severity"); args.Add("severity", severity); }
        if (query.Kind is { } kind) { where.Add("a.kind = @kind"); args.Add("kind", kind); }
        if (query.From is { } from) { where.Add("a.created_at >= @from"); args.Add("from", database.Time(from)); }
        if (query.To is { } to) { where.Add("a.created_at <= @to"); args.Add("to", database.Time(to)); }
        args.Add("limit", query.PageSize);
        args.Add("offset", (long)(query.Page - 1) * query.PageSize);
        var filter = string.Join(" and ", where);
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = DbValues.ReadLong(await connection.ExecuteScalarAsync<object>(new CommandDefinition($"select count(*) from alerts a where {filter}", args, cancellationToken: cancellationToken)));
        var items = new List<AlertRow>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"select {Columns} from {From} where {filter} order by a.created_at desc, a.id desc limit @limit offset @offset", args, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken)) items.Add(Read(reader, 0));
        return (items, total);
    }

    /// <summary>
    /// Acknowledges an open alert: it stays open, repeats stop and a queued firing notice is dropped.
    /// Returns the alert after the change (unchanged when already acknowledged or resolved), or null when unknown.
    /// </summary>
    public async Task<AlertRow?> AcknowledgeAsync(long id, string who, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await database.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                update alerts set status = 'acknowledged', acknowledged_by = @who, acknowledged_at = @now, updated_at = @now,
                       notify_pending = case when notify_pending = 'fire' then null else notify_pending end
                where id = @id and status = 'firing'
                """, new { id, who, now = database.Time(now) }, tx, cancellationToken: cancellationToken));
            return (0, true);
        }, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> alerts whose notice is due by pushing their
    /// <c>next_attempt_at</c> to <c>now + lease</c>, so another replica does not send them too;
    /// a dispatcher that dies mid-send leaves them to be retried after the lease.
    /// </summary>
    public Task<IReadOnlyList<PendingNotice>> ClaimNoticesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<PendingNotice>>(async (connection, tx) =>
        {
            var lockClause = database.Dialect == SqlDialect.Postgres ? " for update of a skip locked" : string.Empty;
            var list = new List<PendingNotice>();
            await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"""
                select {Columns}, p.profile_json from {From}
                where a.notify_pending is not null and a.next_attempt_at <= @now
                order by a.next_attempt_at, a.id limit @limit{lockClause}
                """, new { now = database.Time(now), limit }, tx, cancellationToken: cancellationToken)))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var alert = Read(reader, 0);
                    list.Add(new PendingNotice(alert, alert.NotifyPending!, reader.GetString(ColumnCount)));
                }
            }
            foreach (var notice in list)
            {
                await connection.ExecuteAsync(new CommandDefinition("update alerts set next_attempt_at = @until where id = @id",
                    new { until = database.Time(now + lease), id = notice.Alert.Id }, tx, cancellationToken: cancellationToken));
            }
            return (list, true);
        }, cancellationToken);

    /// <summary>Records a delivered notice (unless a newer one was queued meanwhile).</summary>
    public Task MarkDeliveredAsync(long id, string pending, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                update alerts set last_notified_at = @now, notify_pending = null, notify_attempts = 0, notify_error = null, next_attempt_at = null
                where id = @id and notify_pending = @pending
                """, new { id, pending, now = database.Time(now) }, tx, cancellationToken: cancellationToken));
            return (0, true);
        }, cancellationToken);

    /// <summary>Records a failed attempt: retry at <paramref name="nextAttempt"/>, or give up (pending cleared) when null. The error stays on the alert.</summary>
    public Task MarkFailedAsync(long id, string pending, int attempts, string error, DateTimeOffset? nextAttempt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var clearPending = nextAttempt is null ? ", notify_pending = null" : string.Empty;
            await connection.ExecuteAsync(new CommandDefinition($"""
                update alerts set notify_attempts = @attempts, notify_error = @error, next_attempt_at = @next{clearPending}
                where id = @id and notify_pending = @pending
                """, new { id, pending, attempts, error, next = database.Time(nextAttempt) }, tx, cancellationToken: cancellationToken));
            return (0, true);
        }, cancellationToken);

    private static AlertRow Read(DbDataReader r, int o) => new(
        DbValues.ReadLong(r.GetValue(o)), DbValues.ReadId(r.GetValue(o + 1)), r.GetString(o + 2), r.GetString(o + 3), r.GetString(o + 4),
        DbValues.ReadNullableInt(r.GetValue(o + 5)), r.GetString(o + 6), r.GetString(o + 7), DbValues.ReadNullableTime(r.GetValue(o + 8))!.Value,
        DbValues.ReadNullableTime(r.GetValue(o + 9))!.Value, DbValues.ReadNullableTime(r.GetValue(o + 10)), r.GetString(o + 11), DbValues.ReadNullableTime(r.GetValue(o + 12)),
        DbValues.ReadNullableString(r.GetValue(o + 13)), (int)DbValues.ReadLong(r.GetValue(o + 14)), DbValues.ReadNullableString(r.GetValue(o + 15)),
        DbValues.ReadNullableTime(r.GetValue(o + 16)), DbValues.ReadNullableString(r.GetValue(o + 17)), DbValues.ReadNullableTime(r.GetValue(o + 18)),
        r.GetString(o + 19), r.GetString(o + 20), SqlProfileStore.ParseType(r.GetString(o + 21)));
}
