using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Scouter.Server.Storage;

/// <summary><see cref="IProfileStore"/> over SQLite or PostgreSQL (Dapper; dialect differences in <see cref="DbValues"/>).</summary>
internal sealed class SqlProfileStore : IProfileStore
{
    private const string Columns = "uid, space, name, version, drift_type, profile_json, active, schedule, time_zone, next_run, created_at, updated_at";

    private readonly ScouterDatabase _db;
    private readonly TimeProvider _time;

    public SqlProfileStore(ScouterDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    public async Task<StoredProfile> InsertAsync(StoredProfile profile, bool deactivateOthers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var now = DbTime.Normalize(_time.GetUtcNow());
        var stored = profile with
        {
            NextRun = profile.Active ? Jobs.Schedules.NextAfter(profile.Schedule, profile.TimeZone, now) : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await _db.WriteAndCommitAsync(async (connection, tx) =>
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"insert into profiles ({Columns}) values (@uid, @space, @name, @version, @drift_type, @profile_json, @active, @schedule, @time_zone, @next_run, @created_at, @updated_at)",
                    new
                    {
                        uid = _db.Id(stored.Uid),
                        space = stored.Space,
                        name = stored.Name,
                        version = stored.Version,
                        drift_type = TypeName(stored.DriftType),
                        profile_json = stored.ProfileJson,
                        active = stored.Active,
                        schedule = stored.Schedule,
                        time_zone = stored.TimeZone,
                        next_run = _db.Time(stored.NextRun),
                        created_at = _db.Time(now),
                        updated_at = _db.Time(now),
                    }, tx, cancellationToken: cancellationToken));
            }
            catch (Exception ex) when (IsUniqueViolation(ex))
            {
                throw new ProfileExistsException(
                    $"Profile {stored.Space}/{stored.Name} version {stored.Version} ({TypeName(stored.DriftType)}) already exists.", ex);
            }
            if (stored.Active && deactivateOthers) await DeactivateOthersAsync(connection, tx, stored, now, cancellationToken);
            return stored;
        }, cancellationToken);
    }

    public async Task<StoredProfile?> GetAsync(Guid uid, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        var rows = await ReadAsync(connection, null, $"select {Columns} from profiles where uid = @uid", new { uid = _db.Id(uid) }, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<StoredProfile>> ListAsync(ProfileFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var sql = new StringBuilder($"select {Columns} from profiles where 1 = 1");
        if (filter.Space is not null) sql.Append(" and space = @space");
        if (filter.Name is not null) sql.Append(" and name = @name");
        if (filter.Version is not null) sql.Append(" and version = @version");
        if (filter.DriftType is not null) sql.Append(" and drift_type = @drift_type");
        sql.Append(" order by space, name, drift_type, created_at, version");
        await using var connection = await _db.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, sql.ToString(), new
        {
            space = filter.Space,
            name = filter.Name,
            version = filter.Version,
            drift_type = filter.DriftType is { } t ? TypeName(t) : null,
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string space, string name, DriftType driftType, CancellationToken cancellationToken = default)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        var versions = await connection.QueryAsync<string>(new CommandDefinition(
            "select version from profiles where space = @space and name = @name and drift_type = @drift_type order by created_at, version",
            new { space, name, drift_type = TypeName(driftType) }, cancellationToken: cancellationToken));
        return [.. versions];
    }

    public Task<StoredProfile?> UpdateAsync(Guid uid, string profileJson, string schedule, string? timeZone, CancellationToken cancellationToken = default) =>
        _db.WriteAndCommitAsync(async (connection, tx) =>
        {
            var current = await GetForUpdateAsync(connection, tx, uid, cancellationToken);
            if (current is null) return null;
            var now = DbTime.Normalize(_time.GetUtcNow());
            var scheduleChanged = current.Schedule != schedule || current.TimeZone != timeZone;
            var nextRun = current.Active && scheduleChanged ? Jobs.Schedules.NextAfter(schedule, timeZone, now) : current.NextRun;
            var updated = current with { ProfileJson = profileJson, Schedule = schedule, TimeZone = timeZone, NextRun = nextRun, UpdatedAt = now };
            await connection.ExecuteAsync(new CommandDefinition(
                "update profiles set profile_json = @profile_json, schedule = @schedule, time_zone = @time_zone, next_run = @next_run, updated_at = @updated_at where uid = @uid",
                new { uid = _db.Id(uid), profile_json = profileJson, schedule, time_zone = timeZone, next_run = _db.Time(nextRun), updated_at = _db.Time(now) },
                tx, cancellationToken: cancellationToken));
            return updated;
        }, cancellationToken);

    public Task<StoredProfile?> SetActiveAsync(Guid uid, bool active, bool deactivateOthers, CancellationToken cancellationToken = default) =>
        _db.WriteAndCommitAsync(async (connection, tx) =>
        {
            var current = await GetForUpdateAsync(connection, tx, uid, cancellationToken);
            if (current is null) return null;
            var now = DbTime.Normalize(_time.GetUtcNow());
            // Re-activating an active profile keeps its slot; activating computes the next slot from now.
            var nextRun = active ? (current.Active ? current.NextRun : Jobs.Schedules.NextAfter(current.Schedule, current.TimeZone, now)) : null;
            var updated = current with { Active = active, NextRun = nextRun, UpdatedAt = now };
            await connection.ExecuteAsync(new CommandDefinition(
                "update profiles set active = @active, next_run = @next_run, updated_at = @updated_at where uid = @uid",
                new { uid = _db.Id(uid), active, next_run = _db.Time(nextRun), updated_at = _db.Time(now) }, tx, cancellationToken: cancellationToken));
            if (active && deactivateOthers) await DeactivateOthersAsync(connection, tx, updated, now, cancellationToken);
            return updated;
        }, cancellationToken);

    internal static string TypeName(DriftType type) => type switch
    {
        DriftType.Psi => "psi",
        DriftType.Spc => "spc",
        DriftType.Custom => "custom",
        _ => "llm",
    };

    internal static DriftType ParseType(string name) => name switch
    {
        "psi" => DriftType.Psi,
        "spc" => DriftType.Spc,
        "custom" => DriftType.Custom,
        "llm" => DriftType.Llm,
        _ => throw new InvalidOperationException($"Unknown drift type '{name}' in the profiles table."),
    };

    private async Task DeactivateOthersAsync(DbConnection connection, DbTransaction tx, StoredProfile profile, DateTimeOffset now, CancellationToken ct)
    {
        if (_db.Dialect == SqlDialect.Postgres)
        {
            // Two concurrent "activate, deactivate others" on sibling versions must not both stay active:
            // serialize them per (space, name, drift type) until commit. (SQLite already has one writer.)
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext(@key))",
                new { key = $"{profile.Space}\n{profile.Name}\n{TypeName(profile.DriftType)}" }, tx, cancellationToken: ct));
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "update profiles set active = @inactive, next_run = null, updated_at = @now where space = @space and name = @name and drift_type = @drift_type and uid <> @uid and active = @active",
            new { inactive = false, active = true, now = _db.Time(now), space = profile.Space, name = profile.Name, drift_type = TypeName(profile.DriftType), uid = _db.Id(profile.Uid) },
            tx, cancellationToken: ct));
    }

    private async Task<StoredProfile?> GetForUpdateAsync(DbConnection connection, DbTransaction tx, Guid uid, CancellationToken ct)
    {
        var lockClause = _db.Dialect == SqlDialect.Postgres ? " for update" : string.Empty;
        var rows = await ReadAsync(connection, tx, $"select {Columns} from profiles where uid = @uid{lockClause}", new { uid = _db.Id(uid) }, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<List<StoredProfile>> ReadAsync(DbConnection connection, DbTransaction? tx, string sql, object param, CancellationToken ct)
    {
        var result = new List<StoredProfile>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, param, tx, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StoredProfile(
                DbValues.ReadId(reader.GetValue(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                ParseType(reader.GetString(4)),
                reader.GetString(5),
                DbValues.ReadBool(reader.GetValue(6)),
                reader.GetString(7),
                DbValues.ReadNullableString(reader.GetValue(8)),
                DbValues.ReadNullableTime(reader.GetValue(9)),
                DbValues.ReadTime(reader.GetValue(10)),
                DbValues.ReadTime(reader.GetValue(11))));
        }
        return result;
    }

    private static bool IsUniqueViolation(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException lite => lite.SqliteErrorCode == 19 && lite.Message.Contains("UNIQUE", StringComparison.Ordinal),
        _ => false,
    };
}
