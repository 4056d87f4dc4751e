namespace Scouter.Server.Storage.Rollups;

/// <summary>
/// The roll-up time grain: one hour. Hour <c>k</c> holds the record times in
/// <c>(k·1h, (k+1)·1h]</c> after the Unix epoch — closed at the end like every query window and
/// bucket, so a window whose edges are whole hours is a whole number of roll-up hours.
/// </summary>
internal static class RollupGrain
{
    /// <summary>One hour in microseconds.</summary>
    public const long Micros = 3_600_000_000L;

    /// <summary>The hour holding the record time <paramref name="micros"/> (microseconds since the epoch).</summary>
    public static long HourOf(long micros) => FloorDiv(micros - 1, Micros);

    /// <summary>The hour holding <paramref name="time"/>.</summary>
    public static long HourOf(DateTimeOffset time) => HourOf(DbTime.ToMicros(time));

    /// <summary>Exclusive start of hour <paramref name="hour"/>, in microseconds.</summary>
    public static long Start(long hour) => hour * Micros;

    /// <summary>Inclusive end of hour <paramref name="hour"/>, in microseconds.</summary>
    public static long End(long hour) => (hour + 1) * Micros;

    /// <summary>Hours whose end is at or before <paramref name="micros"/>: the first hour not wholly before it.</summary>
    public static long HoursBefore(long micros) => FloorDiv(micros, Micros);

    /// <summary>The first hour boundary at or after <paramref name="micros"/>, in microseconds.</summary>
    public static long CeilToHour(long micros) => CeilDiv(micros, Micros) * Micros;

    /// <summary>The last hour boundary at or before <paramref name="micros"/>, in microseconds.</summary>
    public static long FloorToHour(long micros) => FloorDiv(micros, Micros) * Micros;

    /// <summary>Division rounding toward negative infinity (C# division truncates toward zero).</summary>
    public static long FloorDiv(long a, long b) => Math.DivRem(a, b) is var (q, r) && r != 0 && (r < 0) != (b < 0) ? q - 1 : q;

    /// <summary>Division rounding toward positive infinity.</summary>
    public static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
