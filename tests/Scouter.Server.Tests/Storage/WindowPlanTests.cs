using Scouter.Server.Storage;
using Scouter.Server.Storage.Rollups;
using Xunit;

namespace Scouter.Server.Tests.Storage;

/// <summary>How a window splits between hourly roll-ups and raw rows.</summary>
public sealed class WindowPlanTests
{
    private static readonly DateTimeOffset H = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static long Micros(DateTimeOffset t) => DbTime.ToMicros(t);

    private static long Hour(DateTimeOffset t) => Micros(t) / 3_600_000_000L;

    [Fact]
    public void WholeHourWindowAndBuckets_AreAllRollups()
    {
        var plan = WindowPlan.For(new TimeWindow(H, H.AddHours(6), 3));

        Assert.Empty(plan.RawRanges);
        Assert.Equal(Hour(H), plan.FirstHour);
        Assert.Equal(Hour(H) + 5, plan.LastHour);
        // Hour k holds (k h, k+1 h]: hours 0-1 in bucket 0, 2-3 in bucket 1, 4-5 in bucket 2.
        Assert.Equal([0, 0, 1, 1, 2, 2], Enumerable.Range(0, 6).Select(i => plan.BucketOfHour(Hour(H) + i)));
        Assert.Equal(-1, plan.BucketOfHour(Hour(H) - 1));
        Assert.Equal(-1, plan.BucketOfHour(Hour(H) + 6));
    }

    [Fact]
    public void PartialHoursAtTheEdges_AreReadRaw()
    {
        var from = H.AddMinutes(20);
        var to = H.AddHours(3).AddMinutes(10);

        var plan = WindowPlan.For(new TimeWindow(from, to));

        Assert.Equal([(Micros(from), Micros(H.AddHours(1))), (Micros(H.AddHours(3)), Micros(to))], plan.RawRanges);
        Assert.Equal(Hour(H) + 1, plan.FirstHour);
        Assert.Equal(Hour(H) + 2, plan.LastHour);
    }

    [Fact]
    public void HoursStraddlingABucketEdge_AreReadRaw()
    {
        // 90-minute buckets from a whole hour: (0, 1.5 h] uses hour 0, (1.5 h, 3 h] uses hour 2; hour 1 straddles the edge.
        var plan = WindowPlan.For(new TimeWindow(H, H.AddHours(3), 2));

        Assert.Equal([(Micros(H.AddHours(1)), Micros(H.AddHours(2)))], plan.RawRanges);
        Assert.Equal(0, plan.BucketOfHour(Hour(H)));
        Assert.Equal(-1, plan.BucketOfHour(Hour(H) + 1));
        Assert.Equal(1, plan.BucketOfHour(Hour(H) + 2));
    }

    [Fact]
    public void BucketsNarrowerThanAnHour_AreOneRawRange()
    {
        var plan = WindowPlan.For(new TimeWindow(H, H.AddHours(2), 8));

        Assert.False(plan.HasHours);
        Assert.Equal([(Micros(H), Micros(H.AddHours(2)))], plan.RawRanges);
    }

    [Fact]
    public void TooManyRawRanges_ReadTheWholeWindowRaw()
    {
        // 90-minute buckets over 6 days: every third hour straddles an edge, 48 separate raw ranges.
        var plan = WindowPlan.For(new TimeWindow(H, H.AddDays(6), 96));

        Assert.False(plan.HasHours);
        Assert.Equal([(Micros(H), Micros(H.AddDays(6)))], plan.RawRanges);
    }
}
