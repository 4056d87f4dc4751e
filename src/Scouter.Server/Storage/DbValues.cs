using System.Globalization;

namespace Scouter.Server.Storage;

/// <summary>
/// Converts between .NET values and each dialect's column types: SQLite keeps uuids as text,
/// timestamps as UTC microseconds and booleans as 0/1; PostgreSQL has native uuid, timestamptz and
/// boolean columns.
/// </summary>
internal static class DbValues
{
    public static object Id(this ScouterDatabase db, Guid id) =>
        db.Dialect == SqlDialect.Sqlite ? id.ToString("D", CultureInfo.InvariantCulture) : id;

    public static object Time(this ScouterDatabase db, DateTimeOffset value) =>
        db.Dialect == SqlDialect.Sqlite ? DbTime.ToMicros(value) : DbTime.Normalize(value);

    public static object? Time(this ScouterDatabase db, DateTimeOffset? value) => value is { } v ? db.Time(v) : null;

    public static Guid ReadId(object value) => value switch
    {
        Guid g => g,
        string s => Guid.Parse(s, CultureInfo.InvariantCulture),
        _ => throw new InvalidCastException($"Unexpected uuid column type {value.GetType().Name}."),
    };

    public static DateTimeOffset ReadTime(object value) => value switch
    {
        long micros => DbTime.FromMicros(micros),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        DateTimeOffset dto => dto.ToUniversalTime(),
        _ => throw new InvalidCastException($"Unexpected timestamp column type {value.GetType().Name}."),
    };

    public static DateTimeOffset? ReadNullableTime(object? value) => value is DBNull or null ? null : ReadTime(value);

    public static bool ReadBool(object value) => value switch
    {
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        _ => throw new InvalidCastException($"Unexpected boolean column type {value.GetType().Name}."),
    };

    public static string? ReadNullableString(object? value) => value is DBNull or null ? null : (string)value;

    /// <summary>
    /// SQL testing <paramref name="column"/> against the array parameter <paramref name="parameter"/>: Npgsql
    /// takes the array as one parameter (Dapper does not expand <c>in @list</c> for it); SQLite needs the expansion.
    /// </summary>
    public static string In(this ScouterDatabase db, string column, string parameter) =>
        db.Dialect == SqlDialect.Postgres ? $"{column} = any(@{parameter})" : $"{column} in @{parameter}";

    /// <summary>SQL for a timestamp column as integer microseconds since the epoch.</summary>
    public static string Micros(this ScouterDatabase db, string column) =>
        db.Dialect == SqlDialect.Sqlite ? column : $"(extract(epoch from {column}) * 1000000)::bigint";

    public static long ReadLong(object? value) => value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static double ReadDouble(object? value) => value is null or DBNull ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static int? ReadNullableInt(object? value) => value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
}
