using Scouter.Server.Jobs;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

public class SchedulesTests
{
    private static readonly DateTimeOffset Monday = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FirstWindowStart_ShortPeriod_LooksBackOneDay()
    {
        Assert.Equal(Monday.AddHours(-24), Schedules.FirstWindowStart("*/5 * * * * *", null, Monday));
        Assert.Equal(Monday.AddHours(-24), Schedules.FirstWindowStart("0 0 * * * *", null, Monday)); // hourly
    }

    [Fact]
    public void FirstWindowStart_PeriodLongerThanADay_LooksBackOnePeriod()
    {
        // Weekly on Mondays at midnight: the scheduled slot looks back to the Monday before; a manual
        // run on the Wednesday after looks back one week from then.
        Assert.Equal(Monday.AddDays(-7), Schedules.FirstWindowStart("0 0 0 * * MON", null, Monday));
        Assert.Equal(Monday.AddDays(2 - 7), Schedules.FirstWindowStart("0 0 0 * * MON", null, Monday.AddDays(2)));
    }

    [Fact]
    public void FirstWindowStart_IrregularPeriod_UsesTheLatestGap_InTheScheduleTimeZone()
    {
        // 1st and 15th at 02:00 Paris time (01:00 UTC in winter): the slot of 15 Jan looks back to 1 Jan.
        var slot = new DateTimeOffset(2025, 1, 15, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 1, 0, 0, TimeSpan.Zero), Schedules.FirstWindowStart("0 0 2 1,15 * *", "Europe/Paris", slot));
    }
}
