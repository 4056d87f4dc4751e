using Dapper;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

public class JobStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Claim_TakesOnlyActiveDueProfiles_AndLeasesThem(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var due = await Seed.ProfileAsync(h.Database, Seed.Custom("due"), Seed.T0);
        await Seed.ProfileAsync(h.Database, Seed.Custom("inactive"), Seed.T0, active: false);
        await Seed.ProfileAsync(h.Database, Seed.Custom("later"), Seed.T0.AddMinutes(5));
        await Seed.ProfileAsync(h.Database, Seed.Custom("never"), null);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var job = await h.Store.ClaimDueAsync("a", h.Time.GetUtcNow(), Lease);
        var second = await h.Store.ClaimDueAsync("b", h.Time.GetUtcNow(), Lease);

        Assert.NotNull(job);
        Assert.Equal(due, job.Uid);
        Assert.Equal("*/5 * * * * *", job.Schedule);
        Assert.Null(job.LastCheckedSlot);
        Assert.Equal(Seed.T0, job.NextRun);
        Assert.Null(second);
        Assert.Equal("a", (await Seed.ScheduleStateAsync(h.Database, due)).LeaseOwner);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Claim_AfterLeaseExpires_AnotherOwnerTakesIt(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0);
        Assert.NotNull(await h.Store.ClaimDueAsync("a", h.Time.GetUtcNow(), Lease));

        h.Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Null(await h.Store.ClaimDueAsync("b", h.Time.GetUtcNow(), Lease));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await h.Store.ClaimDueAsync("b", h.Time.GetUtcNow(), Lease));
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Complete_WritesRun_AdvancesSchedule_ReleasesLease(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0);
        h.Time.Advance(TimeSpan.FromSeconds(7));
        var job = (await h.Store.ClaimDueAsync("a", h.Time.GetUtcNow(), Lease))!;

        var status = await h.Checks.RunScheduledAsync(job, "a");

        Assert.Equal(CompleteStatus.Completed, status);
        var state = await Seed.ScheduleStateAsync(h.Database, uid);
        Assert.Equal(Seed.T0.AddSeconds(5), state.LastCheckedSlot);
        Assert.Equal(Seed.T0.AddSeconds(10), state.NextRun);
        Assert.Null(state.LeaseOwner);
        var run = Assert.Single(await h.Store.ListChecksAsync(uid, null, null, 10, 0));
        Assert.Equal(Seed.T0.AddSeconds(5), run.Slot);
        Assert.Equal(Seed.T0.AddSeconds(5).AddHours(-24), run.WindowStart); // a first check looks back 24 h on a 5 s cron
        Assert.Equal("schedule", run.Trigger);
        Assert.Equal("a", run.Runner);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Complete_AfterLeaseLost_WritesNothing_AndTheNewOwnerRedoesTheSlot(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0);
        await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(-1), 5, 1);
        var crashed = (await h.Store.ClaimDueAsync("a", h.Time.GetUtcNow(), Lease))!;
        h.Time.Advance(Lease);
        var taken = (await h.Store.ClaimDueAsync("b", h.Time.GetUtcNow(), Lease))!;

        var late = await h.Checks.RunScheduledAsync(crashed, "a");
        var redo = await h.Checks.RunScheduledAsync(taken, "b");

        Assert.Equal(CompleteStatus.LeaseLost, late);
        Assert.Equal(CompleteStatus.Completed, redo);
        Assert.Equal(1, await Seed.CountAsync(h.Database, "select count(*) from check_runs"));
        Assert.Equal(1, await Seed.CountAsync(h.Database, "select count(*) from alerts"));
        Assert.Equal("b", Assert.Single(await h.Store.ListChecksAsync(uid, null, null, 10, 0)).Runner);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Complete_DuplicateSlot_AbortsCleanly_AndReleasesLease(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CompleteStatus.Completed, await h.Checks.RunScheduledAsync((await h.Store.ClaimDueAsync("a", h.Time.GetUtcNow(), Lease))!, "a"));
        // Simulate a replica whose view of the schedule is stale: the slot is due again.
        await using (var connection = await h.Database.OpenAsync())
        {
            await connection.ExecuteAsync("update profiles set next_run = @t, last_checked_slot = null where uid = @uid",
                new { t = h.Database.Time(Seed.T0), uid = h.Database.Id(uid) });
        }

        var again = await h.Checks.RunScheduledAsync((await h.Store.ClaimDueAsync("b", h.Time.GetUtcNow(), Lease))!, "b");

        Assert.Equal(CompleteStatus.DuplicateSlot, again);
        Assert.Equal(1, await Seed.CountAsync(h.Database, "select count(*) from check_runs"));
        var state = await Seed.ScheduleStateAsync(h.Database, uid);
        Assert.Null(state.LeaseOwner);
        Assert.Equal(Seed.T0.AddSeconds(5), state.NextRun);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task MissedSlots_CollapseIntoOneCheck(SqlDialect dialect)
    {
        await using var h = await JobsHarness.CreateAsync(dialect);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0.AddSeconds(5), lastCheckedSlot: Seed.T0);
        h.Time.Advance(TimeSpan.FromSeconds(32)); // slots 5, 10, ..., 30 were missed while "down"

        var ran = await h.Runner().RunDueAsync();

        Assert.Equal(1, ran);
        var run = Assert.Single(await h.Store.ListChecksAsync(uid, null, null, 10, 0));
        Assert.Equal(Seed.T0, run.WindowStart);
        Assert.Equal(Seed.T0.AddSeconds(30), run.WindowEnd);
        Assert.Equal(Seed.T0.AddSeconds(35), (await Seed.ScheduleStateAsync(h.Database, uid)).NextRun);
        Assert.Equal(0, await h.Runner().RunDueAsync());
    }

    [Fact]
    public async Task Schedule_IsReadInTheProfileTimeZone()
    {
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite);
        // Daily at 02:00 in New York = 07:00 UTC in January.
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p", "0 0 2 * * *"), Seed.T0, timeZone: "America/New_York");
        h.Time.Advance(TimeSpan.FromHours(8));

        await h.Runner().RunDueAsync();

        var state = await Seed.ScheduleStateAsync(h.Database, uid);
        Assert.Equal(Seed.T0.AddHours(7), state.LastCheckedSlot);
        Assert.Equal(Seed.T0.AddDays(1).AddHours(7), state.NextRun);
    }
}
