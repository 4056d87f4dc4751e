using Dapper;
using Scouter.Server.Alerts;

namespace Scouter.Server.Storage;

/// <summary>A profile as the overview lists it.</summary>
internal sealed record OverviewProfileRow(Guid Uid, string Space, string Name, string Version, DriftType DriftType, bool Active, string Schedule, string? TimeZone);

/// <summary>A profile's latest check run, in brief.</summary>
internal sealed record LatestCheckRow(long Id, DateTimeOffset RanAt, string Trigger, DateTimeOffset? WindowStart, DateTimeOffset WindowEnd, int AlertCount);

/// <summary>How many of a profile's open alerts have this severity and status.</summary>
internal sealed record OpenAlertGroup(string Severity, string Status, long Count);

/// <summary>What the overview reads: the profiles (at most the limit asked for), their latest checks and their open alerts by uid.</summary>
internal sealed record OverviewRows(IReadOnlyList<OverviewProfileRow> Profiles, bool Truncated, IReadOnlyDictionary<Guid, LatestCheckRow> LatestChecks,
    ILookup<Guid, OpenAlertGroup> OpenAlerts);

/// <summary>
/// The reads of <c>GET /overview</c>: three queries whatever the number of profiles (four with the list of
/// every space), each on an index — profiles in (space, name, version, drift_type) order on their unique
/// key, the latest check of each one on <c>check_runs (uid, window_end)</c>, open alert counts on the
/// covering partial index of open alerts <c>alerts_open_by_uid</c>.
/// </summary>
internal sealed class OverviewStore(ScouterDatabase database)
{
    private const string Order = "order by space, name, version, drift_type";

    /// <summary>The spaces holding profiles, sorted; at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<string>> SpacesAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var spaces = await connection.QueryAsync<string>(new CommandDefinition(
            "select distinct space from profiles order by space limit @limit", new { limit }, cancellationToken: cancellationToken));
        return [.. spaces];
    }

    /// <summary>
    /// The first <paramref name="limit"/> profiles of <paramref name="spaces"/> (null: every space), their
    /// latest checks and open alerts; <see cref="OverviewRows.Truncated"/> when there were more.
    /// </summary>
    public async Task<OverviewRows> ReadAsync(IReadOnlyList<string>? spaces, int limit, CancellationToken cancellationToken = default)
    {
        var args = new DynamicParameters();
        args.Add("limit", limit + 1);
        var filter = string.Empty;
        if (spaces is not null)
        {
            filter = "where " + database.In("space", "spaces");
            args.Add("spaces", spaces.ToArray());
        }
        // The same profiles, as the first query reads them, for the per-profile reads.
        var selected = $"with p as (select uid from profiles {filter} {Order} limit @limit)";
        await using var connection = await database.OpenAsync(cancellationToken);

        var profiles = new List<OverviewProfileRow>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"select uid, space, name, version, drift_type, active, schedule, time_zone from profiles {filter} {Order} limit @limit", args, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                profiles.Add(new OverviewProfileRow(DbValues.ReadId(reader.GetValue(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    SqlProfileStore.ParseType(reader.GetString(4)), DbValues.ReadBool(reader.GetValue(5)), reader.GetString(6), DbValues.ReadNullableString(reader.GetValue(7))));
            }
        }

        // One index probe per profile: PostgreSQL through a lateral join (a join on the subquery's id lets it hash the whole
        // check history instead), SQLite through the correlated subquery and the rowid.
        const string Latest = "order by c.window_end desc, c.id desc limit 1";
        var latestChecks = database.Dialect == SqlDialect.Postgres
            ? $"""from p cross join lateral (select c.uid, c.id, c.ran_at, c."trigger", c.window_start, c.window_end, c.alert_count from check_runs c where c.uid = p.uid {Latest}) c"""
            : $"from p join check_runs c on c.id = (select c.id from check_runs c where c.uid = p.uid {Latest})";
        var checks = new Dictionary<Guid, LatestCheckRow>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"""
            {selected}
            select c.uid, c.id, c.ran_at, c."trigger", c.window_start, c.window_end, c.alert_count
            {latestChecks}
            """, args, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                checks[DbValues.ReadId(reader.GetValue(0))] = new LatestCheckRow(DbValues.ReadLong(reader.GetValue(1)), DbValues.ReadTime(reader.GetValue(2)),
                    reader.GetString(3), DbValues.ReadNullableTime(reader.GetValue(4)), DbValues.ReadTime(reader.GetValue(5)), (int)DbValues.ReadLong(reader.GetValue(6)));
            }
        }

        var open = new List<(Guid Uid, OpenAlertGroup Group)>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"""
            {selected}
            select a.uid, a.severity, a.status, count(*) from p join alerts a on a.uid = p.uid
            where a.status in ('{AlertStatus.Firing}', '{AlertStatus.Acknowledged}')
            group by a.uid, a.severity, a.status
            """, args, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
                open.Add((DbValues.ReadId(reader.GetValue(0)), new OpenAlertGroup(reader.GetString(1), reader.GetString(2), DbValues.ReadLong(reader.GetValue(3)))));
        }

        var truncated = profiles.Count > limit;
        if (truncated) profiles.RemoveAt(limit);
        return new OverviewRows(profiles, truncated, checks, open.ToLookup(o => o.Uid, o => o.Group));
    }
}
