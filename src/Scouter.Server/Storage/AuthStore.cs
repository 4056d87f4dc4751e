using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Scouter.Server.Apis;
using Scouter.Server.Auth;

namespace Scouter.Server.Storage;

/// <summary>A stored user. <see cref="SecurityStamp"/> is carried in access tokens; see <see cref="UserSessions"/>.</summary>
internal sealed record UserRecord(string Name, string PasswordHash, GlobalRole GlobalRole, IReadOnlyDictionary<string, SpaceRole> Spaces, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string SecurityStamp)
{
    public UserView ToView() => new(Name, GlobalRole, Spaces, Disabled, CreatedAt, UpdatedAt);
}

/// <summary>A stored API key (hash only).</summary>
internal sealed record ApiKeyRecord(string Id, string Name, string Prefix, string KeyHash, IReadOnlyDictionary<string, SpaceRole> Spaces, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public ApiKeyView ToView() => new(Id, Name, Prefix, Spaces, CreatedBy, CreatedAt, ExpiresAt, RevokedAt);
}

/// <summary>What happened to a refresh token presented for rotation.</summary>
internal enum RefreshOutcome
{
    /// <summary>Rotated: the old token is used, the new one stored.</summary>
    Rotated,

    /// <summary>Unknown, expired, revoked, or the user is gone or disabled.</summary>
    Invalid,

    /// <summary>Already used: the whole family has been revoked.</summary>
    Reused,
}

/// <summary>
/// Users, API keys, refresh tokens and server secrets in SQLite or PostgreSQL. Writes that must see
/// a consistent set of users (last-admin protection, bootstrap) serialize on the SQLite write lock or
/// a PostgreSQL transaction-scoped advisory lock.
/// </summary>
internal sealed class AuthStore(ScouterDatabase database)
{
    private const long UsersLockKey = 0x5C0_0A07;

    private bool Sqlite => database.Dialect == SqlDialect.Sqlite;

    private object Time(DateTimeOffset value) => Sqlite ? DbTime.ToMicros(value) : value.ToUniversalTime();

    private object? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    private static DateTimeOffset? ReadTime(object? value) => value switch
    {
        null or DBNull => null,
        long micros => DbTime.FromMicros(micros),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        DateTimeOffset dto => dto.ToUniversalTime(),
        _ => throw new InvalidOperationException("Unexpected timestamp type " + value.GetType()),
    };

    private static bool ReadBool(object value) => value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;

    private static string SpacesJson(IReadOnlyDictionary<string, SpaceRole> spaces) => JsonSerializer.Serialize(spaces, ApiJson.Options);

    private static Dictionary<string, SpaceRole> ReadSpaces(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, SpaceRole>>(json, ApiJson.Options) ?? [];

    // ---- transactions ----

    /// <summary>Runs <paramref name="work"/> in a write transaction; <paramref name="lockUsers"/> serializes it with other user-set changes.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool lockUsers, CancellationToken ct) =>
        database.WriteAndCommitAsync(async (connection, tx) =>
        {
            if (lockUsers && !Sqlite)
                await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@key)", new { key = UsersLockKey }, tx, cancellationToken: ct));
            return await work(connection, tx);
        }, ct);

    // ---- users ----

    private const string UserColumns = "name, password_hash, global_role, spaces_json, disabled, created_at, updated_at, security_stamp";

    private sealed class UserRow
    {
        public string name { get; set; } = "";
        public string password_hash { get; set; } = "";
        public string? global_role { get; set; }
        public string spaces_json { get; set; } = "{}";
        public object disabled { get; set; } = false;
        public object created_at { get; set; } = 0L;
        public object updated_at { get; set; } = 0L;
        public string security_stamp { get; set; } = "";

        public UserRecord ToRecord() => new(name, password_hash, global_role == "admin" ? GlobalRole.Admin : GlobalRole.None,
            ReadSpaces(spaces_json), ReadBool(disabled), ReadTime(created_at)!.Value, ReadTime(updated_at)!.Value, security_stamp);
    }

    public async Task<UserRecord?> GetUserAsync(string name, CancellationToken ct, DbConnection? connection = null, DbTransaction? tx = null)
    {
        var cmd = new CommandDefinition($"select {UserColumns} from users where name = @name", new { name }, tx, cancellationToken: ct);
        if (connection is not null) return (await connection.QuerySingleOrDefaultAsync<UserRow>(cmd))?.ToRecord();
        await using var c = await database.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<UserRow>(cmd))?.ToRecord();
    }

    public async Task<bool> AnyUsersAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from (select 1 from users limit 1) t", cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<UserRow>(new CommandDefinition($"select {UserColumns} from users order by name", cancellationToken: ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <summary>Inserts a user; false when the name is taken. With <paramref name="onlyIfNoUsers"/>, inserts only into an empty table (bootstrap).</summary>
    public Task<bool> InsertUserAsync(UserRecord user, bool onlyIfNoUsers, CancellationToken ct) => WriteAsync(async (c, tx) =>
    {
        var guard = onlyIfNoUsers ? "where not exists (select 1 from users)" : "where true";
        var sql = $"""
            insert into users ({UserColumns})
            select @name, @hash, @role, @spaces, @disabled, @created, @updated, @stamp {guard}
            on conflict (name) do nothing
            """;
        var rows = await c.ExecuteAsync(new CommandDefinition(sql, new
        {
            name = user.Name,
            hash = user.PasswordHash,
            role = user.GlobalRole == GlobalRole.Admin ? "admin" : null,
            spaces = SpacesJson(user.Spaces),
            disabled = user.Disabled,
            created = Time(user.CreatedAt),
            updated = Time(user.UpdatedAt),
            stamp = user.SecurityStamp,
        }, tx, cancellationToken: ct));
        return rows == 1;
    }, lockUsers: true, ct);

    public async Task UpdateUserAsync(UserRecord user, DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition("""
            update users set password_hash = @hash, global_role = @role, spaces_json = @spaces, disabled = @disabled, updated_at = @updated,
                security_stamp = @stamp
            where name = @name
            """, new
        {
            name = user.Name,
            hash = user.PasswordHash,
            role = user.GlobalRole == GlobalRole.Admin ? "admin" : null,
            spaces = SpacesJson(user.Spaces),
            disabled = user.Disabled,
            updated = Time(user.UpdatedAt),
            stamp = user.SecurityStamp,
        }, tx, cancellationToken: ct));
    }

    public static async Task DeleteUserAsync(string name, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("delete from users where name = @name", new { name }, tx, cancellationToken: ct));

    /// <summary>Enabled global admins other than <paramref name="except"/>.</summary>
    public async Task<long> CountOtherAdminsAsync(string except, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"select count(*) from users where global_role = 'admin' and disabled = {(Sqlite ? "0" : "false")} and name <> @except",
            new { except }, tx, cancellationToken: ct));

    /// <summary>Updates only the password hash (rehash after a successful login).</summary>
    public Task UpdatePasswordHashAsync(string name, string hash, CancellationToken ct) => WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition("update users set password_hash = @hash where name = @name", new { name, hash }, tx, cancellationToken: ct)),
        lockUsers: false, ct);

    // ---- refresh tokens ----

    /// <summary>Stores a new login's refresh token; false when the user was deleted meanwhile (nothing stored).</summary>
    public Task<bool> InsertRefreshTokenAsync(string tokenHash, string familyId, string username, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        WriteAsync(async (c, tx) =>
        {
            // Housekeeping: a user's long-expired tokens go when they log in again.
            await c.ExecuteAsync(new CommandDefinition("delete from refresh_tokens where username = @username and expires_at < @now",
                new { username, now = Time(now) }, tx, cancellationToken: ct));
            return await InsertRefreshAsync(c, tx, tokenHash, familyId, username, now, expires, ct);
        }, lockUsers: false, ct);

    /// <summary>
    /// Inserts a refresh token unless its user is gone: a login or refresh racing the user's deletion
    /// stores nothing (false) instead of failing the foreign key. On PostgreSQL the user row is
    /// key-share locked, so a deletion waits for this transaction (and then removes the token with the
    /// user); SQLite writes are serialized anyway.
    /// </summary>
    private async Task<bool> InsertRefreshAsync(DbConnection c, DbTransaction tx, string tokenHash, string familyId, string username, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition($"""
            insert into refresh_tokens (token_hash, family_id, username, created_at, expires_at)
            select @tokenHash, @familyId, @username, @created, @expires
            where exists (select 1 from users where name = @username{(Sqlite ? string.Empty : " for key share")})
            """, new { tokenHash, familyId, username, created = Time(now), expires = Time(expires) }, tx, cancellationToken: ct)) == 1;

    private sealed class RefreshRow
    {
        public string family_id { get; set; } = "";
        public string username { get; set; } = "";
        public object expires_at { get; set; } = 0L;
        public object? used_at { get; set; }
        public object? revoked_at { get; set; }
    }

    /// <summary>
    /// Marks <paramref name="oldHash"/> used and stores <paramref name="newHash"/> in its family, in one
    /// transaction. A token already used (or used concurrently) revokes its family. The user is
    /// re-read inside the transaction so role changes apply and disabled users are refused.
    /// </summary>
    public Task<(RefreshOutcome Outcome, UserRecord? User, string? FamilyId)> RotateRefreshTokenAsync(string oldHash, string newHash, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct) =>
        WriteAsync<(RefreshOutcome, UserRecord?, string?)>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<RefreshRow>(new CommandDefinition(
                "select family_id, username, expires_at, used_at, revoked_at from refresh_tokens where token_hash = @oldHash",
                new { oldHash }, tx, cancellationToken: ct));
            if (row is null || ReadTime(row.revoked_at) is not null || ReadTime(row.expires_at) <= now) return (RefreshOutcome.Invalid, null, null);
            var claimed = ReadTime(row.used_at) is null && await c.ExecuteAsync(new CommandDefinition(
                "update refresh_tokens set used_at = @now where token_hash = @oldHash and used_at is null and revoked_at is null",
                new { oldHash, now = Time(now) }, tx, cancellationToken: ct)) == 1;
            if (!claimed)
            {
                await RevokeFamilyAsync(c, tx, row.family_id, now, ct);
                return (RefreshOutcome.Reused, null, row.family_id);
            }
            var user = await GetUserAsync(row.username, ct, c, tx);
            if (user is null || user.Disabled)
            {
                await RevokeFamilyAsync(c, tx, row.family_id, now, ct);
                return (RefreshOutcome.Invalid, null, null);
            }
            if (!await InsertRefreshAsync(c, tx, newHash, row.family_id, row.username, now, expires, ct)) return (RefreshOutcome.Invalid, null, null);
            return (RefreshOutcome.Rotated, user, row.family_id);
        }, lockUsers: false, ct);

    /// <summary>Revokes the family of the refresh token with <paramref name="tokenHash"/> (log out); returns its family id, null when unknown.</summary>
    public Task<string?> RevokeFamilyOfAsync(string tokenHash, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(async (c, tx) =>
        {
            var family = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "select family_id from refresh_tokens where token_hash = @tokenHash", new { tokenHash }, tx, cancellationToken: ct));
            if (family is not null) await RevokeFamilyAsync(c, tx, family, now, ct);
            return family;
        }, lockUsers: false, ct);

    /// <summary>Whether the login <paramref name="familyId"/> still has a token that is not revoked (it was not logged out or caught reusing a token).</summary>
    public async Task<bool> IsFamilyLiveAsync(string familyId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "select count(*) from refresh_tokens where family_id = @familyId and revoked_at is null", new { familyId }, cancellationToken: ct)) > 0;
    }

    private async Task RevokeFamilyAsync(DbConnection c, DbTransaction tx, string familyId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("update refresh_tokens set revoked_at = @now where family_id = @familyId and revoked_at is null",
            new { familyId, now = Time(now) }, tx, cancellationToken: ct));

    public async Task RevokeUserRefreshTokensAsync(string username, DateTimeOffset now, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("update refresh_tokens set revoked_at = @now where username = @username and revoked_at is null",
            new { username, now = Time(now) }, tx, cancellationToken: ct));

    // ---- API keys ----

    private const string KeyColumns = "id, name, prefix, key_hash, spaces_json, created_by, created_at, expires_at, revoked_at";

    private sealed class KeyRow
    {
        public string id { get; set; } = "";
        public string name { get; set; } = "";
        public string prefix { get; set; } = "";
        public string key_hash { get; set; } = "";
        public string spaces_json { get; set; } = "{}";
        public string created_by { get; set; } = "";
        public object created_at { get; set; } = 0L;
        public object? expires_at { get; set; }
        public object? revoked_at { get; set; }

        public ApiKeyRecord ToRecord() => new(id, name, prefix, key_hash, ReadSpaces(spaces_json), created_by,
            ReadTime(created_at)!.Value, ReadTime(expires_at), ReadTime(revoked_at));
    }

    public Task InsertApiKeyAsync(ApiKeyRecord key, CancellationToken ct) => WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition($"""
            insert into api_keys ({KeyColumns})
            values (@Id, @Name, @Prefix, @KeyHash, @spaces, @CreatedBy, @created, @expires, null)
            """, new { key.Id, key.Name, key.Prefix, key.KeyHash, spaces = SpacesJson(key.Spaces), key.CreatedBy, created = Time(key.CreatedAt), expires = Time(key.ExpiresAt) },
            tx, cancellationToken: ct)), lockUsers: false, ct);

    public async Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys where key_hash = @keyHash", new { keyHash }, cancellationToken: ct)))?.ToRecord();
    }

    public async Task<ApiKeyRecord?> GetApiKeyAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys where id = @id", new { id }, cancellationToken: ct)))?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<KeyRow>(new CommandDefinition($"select {KeyColumns} from api_keys order by created_at, id", cancellationToken: ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public Task RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition("update api_keys set revoked_at = @now where id = @id and revoked_at is null",
            new { id, now = Time(now) }, tx, cancellationToken: ct)), lockUsers: false, ct);

    // ---- server secrets ----

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> unless a value exists; returns the stored value (first writer wins).</summary>
    public Task<string> GetOrAddSecretAsync(string name, string value, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (c, tx) =>
    {
        await c.ExecuteAsync(new CommandDefinition("insert into server_secrets (name, value, created_at) values (@name, @value, @now) on conflict (name) do nothing",
            new { name, value, now = Time(now) }, tx, cancellationToken: ct));
        return await c.ExecuteScalarAsync<string>(new CommandDefinition("select value from server_secrets where name = @name", new { name }, tx, cancellationToken: ct)) ?? value;
    }, lockUsers: false, ct);
}
