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
    public static long HourOf(long micros) => Math.DivRem(micros - 1, Micros) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>The hour holding <paramref name="time"/>.</summary>
    public static long HourOf(DateTimeOffset time) => HourOf(DbTime.ToMicros(time));

    /// <summary>Exclusive start of hour <paramref name="hour"/>, in microseconds.</summary>
    public static long Start(long hour) => hour * Micros;

    /// <summary>Inclusive end of hour <paramref name="hour"/>, in microseconds.</summary>
    public static long End(long hour) => (hour + 1) * Micros;
}
