using System.Globalization;

namespace Scouter.Server.Storage;

/// <summary>
/// Dialect-specific parameter values and column readers: SQLite keeps uids as text and times as
/// UTC microseconds; PostgreSQL uses uuid and timestamptz.
/// </summary>
internal static class SqlValues
{
    public static object? Time(this ScouterDatabase db, DateTimeOffset? value) => value is not { } v
        ? null
        : db.Dialect == SqlDialect.Postgres ? DbTime.Normalize(v) : DbTime.ToMicros(v);

    public static object Id(this ScouterDatabase db, Guid uid) =>
        db.Dialect == SqlDialect.Postgres ? uid : uid.ToString("D", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ReadTime(object? value) => value switch
    {
        null or DBNull => null,
        long micros => DbTime.FromMicros(micros),
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        _ => DbTime.FromMicros(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
    };

    public static Guid ReadGuid(object value) => value is Guid g ? g : Guid.Parse((string)value, CultureInfo.InvariantCulture);

    public static long ReadLong(object? value) => value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static double ReadDouble(object? value) => value is null or DBNull ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static int? ReadNullableInt(object? value) => value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);

    public static string? ReadString(object? value) => value is null or DBNull ? null : (string)value;
}

/// <summary>Write transactions in both dialects (SQLite: under <see cref="ScouterDatabase.WriteLock"/>).</summary>
internal static class SqlTransactions
{
    /// <summary>Runs <paramref name="body"/> in one transaction; it commits when the body says so, else rolls back.</summary>
    public static async Task<T> WriteAsync<T>(this ScouterDatabase database, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<(T Result, bool Commit)>> body,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sqlite = database.Dialect == SqlDialect.Sqlite;
        if (sqlite) await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var (result, commit) = await body(connection, tx);
            if (commit) await tx.CommitAsync(cancellationToken);
            else await tx.RollbackAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (sqlite) database.WriteLock.Release();
        }
    }
}
