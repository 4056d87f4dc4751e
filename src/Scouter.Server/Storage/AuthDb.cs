using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Scouter.Server.Apis;
using Scouter.Server.Auth;

namespace Scouter.Server.Storage;

/// <summary>
/// What the auth stores (<see cref="UserStore"/>, <see cref="RefreshTokenStore"/>, <see cref="ApiKeyStore"/>,
/// <see cref="SecretStore"/>) share: connections, the write transaction, and their column conversions.
/// Writes that must see a consistent set of users (last-admin protection, bootstrap) serialize on the
/// SQLite write lock or a PostgreSQL transaction-scoped advisory lock.
/// </summary>
internal sealed class AuthDb(ScouterDatabase database)
{
    private const long UsersLockKey = 0x5C0_0A07;

    public bool Sqlite => database.Dialect == SqlDialect.Sqlite;

    /// <summary>Opens a connection for a read.</summary>
    public Task<DbConnection> OpenAsync(CancellationToken ct) => database.OpenAsync(ct);

    /// <summary>Runs <paramref name="work"/> in a write transaction; <paramref name="lockUsers"/> serializes it with other user-set changes.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool lockUsers, CancellationToken ct) =>
        database.WriteAndCommitAsync(async (connection, tx) =>
        {
            if (lockUsers && !Sqlite)
                await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@key)", new { key = UsersLockKey }, tx, cancellationToken: ct));
            return await work(connection, tx);
        }, ct);

    public object Time(DateTimeOffset value) => Sqlite ? DbTime.ToMicros(value) : value.ToUniversalTime();

    public object? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;

    public static DateTimeOffset? ReadTime(object? value) => value switch
    {
        null or DBNull => null,
        long micros => DbTime.FromMicros(micros),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        DateTimeOffset dto => dto.ToUniversalTime(),
        _ => throw new InvalidOperationException("Unexpected timestamp type " + value.GetType()),
    };

    public static bool ReadBool(object value) => value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;

    public static string SpacesJson(IReadOnlyDictionary<string, SpaceRole> spaces) => JsonSerializer.Serialize(spaces, ApiJson.Options);

    public static Dictionary<string, SpaceRole> ReadSpaces(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, SpaceRole>>(json, ApiJson.Options) ?? [];
}
