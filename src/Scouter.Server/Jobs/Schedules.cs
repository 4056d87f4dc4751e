
namespace Scouter.Server.Jobs;

/// <summary>Cron slots of a profile's schedule, read in its IANA time zone (UTC when none).</summary>
internal static class Schedules
{
    // Look back in growing windows so a frequent cron does not enumerate a long outage's slots.
    private static readonly TimeSpan[] Lookback =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(366), TimeSpan.FromDays(3660)];

    /// <summary>The latest occurrence at or before <paramref name="now"/> (null if none in ten years).</summary>
    public static DateTimeOffset? LatestAtOrBefore(string schedule, string? timeZone, DateTimeOffset now)
    {
        var cron = CommonCrons.Parse(schedule);
        var zone = Zone(timeZone);
        foreach (var back in Lookback)
        {
            DateTimeOffset? last = null;
            foreach (var occurrence in cron.GetOccurrences(now - back, now, zone, fromInclusive: true, toInclusive: true)) last = occurrence;
            if (last is { } found) return found.ToUniversalTime();
        }
        return null;
    }

    /// <summary>The shortest look-back of a profile's first check.</summary>
    public static readonly TimeSpan FirstWindowMinimum = TimeSpan.FromHours(24);

    /// <summary>
    /// The exclusive start of a profile's first check window (no <c>last_checked_slot</c>) ending at
    /// <paramref name="end"/>: one schedule period back (the gap between the latest occurrence at
    /// or before <paramref name="end"/> and the one before it) or <see cref="FirstWindowMinimum"/>,
    /// whichever is further, so a first check reads a bounded window however much history is stored.
    /// </summary>
    public static DateTimeOffset FirstWindowStart(string schedule, string? timeZone, DateTimeOffset end)
    {
        var period = LatestAtOrBefore(schedule, timeZone, end) is { } latest && LatestAtOrBefore(schedule, timeZone, latest.AddTicks(-1)) is { } previous
            ? latest - previous
            : TimeSpan.Zero;
        return end - (period > FirstWindowMinimum ? period : FirstWindowMinimum);
    }

    /// <summary>The first occurrence strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset? NextAfter(string schedule, string? timeZone, DateTimeOffset now) =>
        CommonCrons.Parse(schedule).GetNextOccurrence(now, Zone(timeZone), inclusive: false)?.ToUniversalTime();

    private static TimeZoneInfo Zone(string? id) => string.IsNullOrEmpty(id) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
}
