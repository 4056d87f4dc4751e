using System.Data.Common;
using Dapper;
using Scouter.Server.Auth;

namespace Scouter.Server.Storage;

/// <summary>A stored user. <see cref="SecurityStamp"/> is carried in access tokens; see <see cref="UserSessions"/>.</summary>
internal sealed record UserRecord(string Name, string PasswordHash, GlobalRole GlobalRole, IReadOnlyDictionary<string, SpaceRole> Spaces, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string SecurityStamp)
{
    public UserView ToView() => new(Name, GlobalRole, Spaces, Disabled, CreatedAt, UpdatedAt);
}

/// <summary>Users: the accounts, their roles and spaces, and the last-admin count.</summary>
internal sealed class UserStore(AuthDb db)
{
    private const string UserColumns = "name, password_hash, global_role, spaces_json, disabled, created_at, updated_at, security_stamp";

    /// <summary>Runs <paramref name="work"/> in a write transaction serialized with every other change of the set of users.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => db.WriteAsync(work, lockUsers: true, ct);

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
            AuthDb.ReadSpaces(spaces_json), AuthDb.ReadBool(disabled), AuthDb.ReadTime(created_at)!.Value, AuthDb.ReadTime(updated_at)!.Value, security_stamp);
    }

    public async Task<UserRecord?> GetUserAsync(string name, CancellationToken ct, DbConnection? connection = null, DbTransaction? tx = null)
    {
        var cmd = new CommandDefinition($"select {UserColumns} from users where name = @name", new { name }, tx, cancellationToken: ct);
        if (connection is not null) return (await connection.QuerySingleOrDefaultAsync<UserRow>(cmd))?.ToRecord();
        await using var c = await db.OpenAsync(ct);
        return (await c.QuerySingleOrDefaultAsync<UserRow>(cmd))?.ToRecord();
    }

    public async Task<bool> AnyUsersAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from (select 1 from users limit 1) t", cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<UserRow>(new CommandDefinition($"select {UserColumns} from users order by name", cancellationToken: ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    /// <summary>Inserts a user; false when the name is taken. With <paramref name="onlyIfNoUsers"/>, inserts only into an empty table (bootstrap).</summary>
    public Task<bool> InsertUserAsync(UserRecord user, bool onlyIfNoUsers, CancellationToken ct) => db.WriteAsync(async (c, tx) =>
    {
        var guard = onlyIfNoUsers ? "where not exists (select 1 from users)" : "where true";
        var sql = $"""
            insert into users ({UserColumns})
            select @name, @hash, @role, @spaces, @disabled, @created, @updated, @stamp {guard}
            on conflict (name) do nothing
            """;
        var rows = await c.ExecuteAsync(new CommandDefinition(sql, Columns(user), tx, cancellationToken: ct));
        return rows == 1;
    }, lockUsers: true, ct);

    public async Task UpdateUserAsync(UserRecord user, DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition("""
            update users set password_hash = @hash, global_role = @role, spaces_json = @spaces, disabled = @disabled, updated_at = @updated,
                security_stamp = @stamp
            where name = @name
            """, Columns(user), tx, cancellationToken: ct));
    }

    /// <summary>The parameters of a user row (Dapper passes only those the statement names).</summary>
    private object Columns(UserRecord user) => new
    {
        name = user.Name,
        hash = user.PasswordHash,
        role = user.GlobalRole == GlobalRole.Admin ? "admin" : null,
        spaces = AuthDb.SpacesJson(user.Spaces),
        disabled = user.Disabled,
        created = db.Time(user.CreatedAt),
        updated = db.Time(user.UpdatedAt),
        stamp = user.SecurityStamp,
    };

    public static async Task DeleteUserAsync(string name, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("delete from users where name = @name", new { name }, tx, cancellationToken: ct));

    /// <summary>Enabled global admins other than <paramref name="except"/>.</summary>
    public async Task<long> CountOtherAdminsAsync(string except, DbConnection c, DbTransaction tx, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"select count(*) from users where global_role = 'admin' and disabled = {(db.Sqlite ? "0" : "false")} and name <> @except",
            new { except }, tx, cancellationToken: ct));

    /// <summary>Updates only the password hash (rehash after a successful login).</summary>
    public Task UpdatePasswordHashAsync(string name, string hash, CancellationToken ct) => db.WriteAsync(async (c, tx) =>
        await c.ExecuteAsync(new CommandDefinition("update users set password_hash = @hash where name = @name", new { name, hash }, tx, cancellationToken: ct)),
        lockUsers: false, ct);
}
