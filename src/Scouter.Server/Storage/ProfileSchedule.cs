namespace Scouter.Server.Storage;

/// <summary>Next cron occurrence of a profile's check schedule (Cronos, in the schedule's time zone).</summary>
public static class ProfileSchedule
{
    /// <summary>The first occurrence of <paramref name="schedule"/> strictly after <paramref name="after"/>, in UTC; null when none.</summary>
    public static DateTimeOffset? NextRun(string schedule, string? timeZone, DateTimeOffset after)
    {
        var cron = CommonCrons.Parse(schedule, "alert_config.schedule");
        var zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return cron.GetNextOccurrence(after.ToUniversalTime(), zone, inclusive: false)?.ToUniversalTime();
    }
}
