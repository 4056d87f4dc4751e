namespace Scouter.Server.Storage;

/// <summary>
/// Timestamp conversion for the SQLite dialect, which stores UTC microseconds since the Unix epoch
/// (PostgreSQL uses timestamptz with offset-zero <see cref="DateTimeOffset"/> values).
/// </summary>
internal static class DbTime
{
    /// <summary>Microseconds since the epoch.</summary>
    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Back from microseconds since the epoch (UTC).</summary>
    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    /// <summary>Truncates to whole microseconds (what both databases keep), in UTC.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset value) => FromMicros(ToMicros(value));
}
