using Scouter.Server.Jobs;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

/// <summary>The one next-run rule of a profile's schedule, used by the registry, the job runner and the overview.</summary>
public class SchedulesTests
{
    private static readonly DateTimeOffset Saturday2330Utc = new(2026, 3, 28, 23, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("UTC")]
    public void NextAfter_WithoutAZone_ReadsTheScheduleInUtc(string? zone) =>
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), Schedules.NextAfter("0 0 0 * * *", zone, Saturday2330Utc));

    [Fact]
    public void NextAfter_InAZone_IsThatZonesMidnight_AcrossTheDaylightSavingChange()
    {
        // 23:30 UTC on 28 March 2026 is 00:30 CET on the 29th; that night clocks go forward, so the next
        // local midnight (30 March, CEST = UTC+2) is 22:00 UTC on the 29th.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), Schedules.NextAfter("0 0 0 * * *", "Europe/Amsterdam", Saturday2330Utc));
    }

    [Fact]
    public void NextAfter_IsStrictlyAfter()
    {
        var midnight = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(midnight.AddDays(1), Schedules.NextAfter("0 0 0 * * *", null, midnight));
    }
}
