using Dapper;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Jobs;

public class JobRunnerConcurrencyTests
{
    [Fact]
    public async Task ThreeRunners_OnePostgres_EveryProfileSlotCheckedExactlyOnce()
    {
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Postgres, o => o.JobWorkers = 3);
        var uids = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Seed.T0.AddSeconds(5));
            await Seed.CustomAsync(h.Database, uid, "accuracy", Seed.T0.AddSeconds(1), 5, 1);
            uids.Add(uid);
        }
        var runners = new[] { h.Runner(), h.Runner(), h.Runner() };
        Assert.Equal(3, runners.Select(r => r.Owner).Distinct().Count());

        const int slots = 4;
        for (var s = 1; s <= slots; s++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.WhenAll(runners.Select(r => Task.Run(() => r.RunDueAsync())));
        }

        await using var connection = await h.Database.OpenAsync();
        var rows = (await connection.QueryAsync<(Guid Uid, DateTime Slot, string Runner)>("select uid, slot, runner from check_runs")).ToList();
        Assert.Equal(20 * slots, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Uid, r.Slot)).Distinct().Count());
        foreach (var uid in uids)
        {
            Assert.Equal(Enumerable.Range(1, slots).Select(k => Seed.T0.AddSeconds(5 * k).UtcDateTime),
                rows.Where(r => r.Uid == uid).Select(r => r.Slot).Order());
        }
        Assert.True(rows.Select(r => r.Runner).Distinct().Count() > 1, "work should spread over the runners");
        Assert.Equal(20, await Seed.CountAsync(h.Database, "select count(*) from alerts"));
    }

    [Fact]
    public async Task BackgroundService_PollsOnFakeTime_AndStopsGracefully()
    {
        await using var h = await JobsHarness.CreateAsync(SqlDialect.Sqlite);
        var uid = await Seed.ProfileAsync(h.Database, Seed.Custom("p"), Seed.T0.AddSeconds(5));
        using var runner = h.Runner();
        await runner.StartAsync(TestContext.Current.CancellationToken);

        for (var i = 0; i < 100 && await Seed.CountAsync(h.Database, "select count(*) from check_runs") == 0; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await runner.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(await Seed.CountAsync(h.Database, "select count(*) from check_runs") >= 1);
        Assert.Null((await Seed.ScheduleStateAsync(h.Database, uid)).LeaseOwner);
    }
}
