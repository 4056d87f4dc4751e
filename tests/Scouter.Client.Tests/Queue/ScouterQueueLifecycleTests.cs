using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;
using static Scouter.Client.Tests.Queue.QueueTestKit;

namespace Scouter.Client.Tests.Queue;

public class ScouterQueueLifecycleTests
{
    [Fact]
    public async Task Shutdown_FlushesPartialAggregates_AndIsIdempotent()
    {
        var (queue, transport, _) = Create("spc", SpcProfile(sampleSize: 25));
        queue["spc"].Insert(new Features([new Feature("a", 2.0), new Feature("b", 4.0)]));
        queue["spc"].Insert(new Features([new Feature("a", 4.0)]));

        await queue.DisposeAsync();
        await queue.DisposeAsync();
        Assert.Same(queue.ShutdownAsync(TimeSpan.FromSeconds(1)), queue.ShutdownAsync(TimeSpan.FromSeconds(2)));

        var records = RecordsOf<SpcRecord>(transport).ToDictionary(r => r.Feature);
        Assert.Equal((3.0, 2L), (records["a"].Mean, records["a"].Count));
        Assert.Equal((4.0, 1L), (records["b"].Mean, records["b"].Count));
        Assert.Single(transport.Batches);
    }

    [Fact]
    public async Task InsertAfterShutdown_IsCountedAsClosed()
    {
        var (queue, transport, _) = Create("psi", PsiProfile());
        await queue.DisposeAsync();
        queue["psi"].Insert(new Features([new Feature("x", 1.0)]));
        var stats = queue.Statistics;
        Assert.Equal(new DroppedCount(0, 1), stats.Dropped["closed"]);
        Assert.Equal(0, stats.Inserted);
        Assert.Empty(transport.Batches);
        await queue.FlushAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Shutdown_WhenTransportDown_ReportsUndeliveredAfterTimeout()
    {
        var (queue, transport, time) = Create("custom", CustomProfile(sampleSize: 25));
        transport.FailNext(int.MaxValue);
        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));

        var shutdown = queue.ShutdownAsync(TimeSpan.FromSeconds(2));
        await BatchDeliveryTests.AdvanceUntil(time, shutdown);
        await shutdown;

        var stats = queue.Statistics;
        Assert.Equal(new DroppedCount(1, 1), stats.Dropped["shutdown_timeout"]);
        Assert.Equal(0, stats.BatchesSent);
        Assert.Equal(0, stats.Buffered);
        Assert.True(stats.Retries >= 1);
    }

    [Fact]
    public async Task FlushAsync_DeliversAfterOutage()
    {
        var (queue, transport, time) = Create("custom", CustomProfile(sampleSize: 25));
        await using var _q = queue;
        transport.FailNext(2, retryAfter: TimeSpan.FromSeconds(1));
        queue["custom"].Insert(new Metrics([new Metric("mae", 1)]));
        var flush = queue.FlushAsync(TestContext.Current.CancellationToken);
        await BatchDeliveryTests.AdvanceUntil(time, flush);
        await flush;
        Assert.Single(transport.Batches);
        Assert.Equal(2, queue.Statistics.Retries);
    }

    [Fact]
    public async Task ConcurrentInserts_AreAllAccountedFor()
    {
        const int Threads = 4, PerThread = 25_000;
        var (queue, transport, _) = Create("psi", PsiProfile());
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            string?[] cats = ["a", "b", "c", "zzz", null];
            for (var i = 0; i < PerThread; i++)
            {
                queue["psi"].Insert(new Features([new Feature("x", (double)((i * 7 + t) % 12)), new Feature("c", cats[i % cats.Length])]));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        await queue.DisposeAsync();

        var records = RecordsOf<PsiRecord>(transport);
        Assert.Equal(Threads * PerThread, records.Where(r => r.Feature == "x").Sum(r => r.BinCounts.Values.Sum()));
        Assert.Equal(Threads * PerThread, records.Where(r => r.Feature == "c").Sum(r => r.BinCounts.Values.Sum()));
        Assert.Equal(Threads * PerThread / 5, records.Where(r => r.Feature == "c").Sum(r => r.BinCounts.GetValueOrDefault(-1)));
        var stats = queue.Statistics;
        Assert.Equal(Threads * PerThread, stats.Inserted);
        Assert.Equal(Threads * PerThread, stats.Aggregated);
        Assert.Equal(100, stats.BatchesSent);
        Assert.Equal(0, stats.Dropped.Values.Sum(d => d.Items));
    }

    /// <summary>A row whose feature is read on the queue's worker; reading it blocks the worker until released.</summary>
    private sealed class BlockingRow(TaskCompletionSource entered, ManualResetEventSlim release) : IFeatureSource
    {
#pragma warning disable IDE1006 // feature names are member names: "x" is the profile's feature
        public double x
#pragma warning restore IDE1006
        {
            get
            {
                entered.TrySetResult();
                release.Wait(TestContext.Current.CancellationToken);
                return 1.0;
            }
        }
    }

    [Fact]
    public async Task FullChannel_DropsInsertAsChannelFull()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var (queue, transport, _) = Create("psi", PsiProfile(), o => o.ChannelCapacity = 1);
        try
        {
            queue["psi"].Insert(new BlockingRow(entered, release));
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            // The worker is stuck inside the first insert: one more fits the channel, the other nine are dropped.
            for (var i = 0; i < 10; i++) queue["psi"].Insert(new Features([new Feature("x", 2.0)]));

            var stats = queue.Statistics;
            Assert.Equal(2, stats.Inserted);
            Assert.Equal(new DroppedCount(0, 9), stats.Dropped["channel_full"]);
        }
        finally
        {
            release.Set();
        }
        await queue.DisposeAsync();
        Assert.Equal(2, queue.Statistics.Aggregated);
        Assert.Equal(2, RecordsOf<PsiRecord>(transport).Where(r => r.Feature == "x").Sum(r => r.BinCounts.Values.Sum()));
    }

    [Fact]
    public async Task FromPath_LoadsProfiles()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scouter-queue-{Guid.NewGuid():N}.json");
        try
        {
            var profile = CustomProfile(sampleSize: 1);
            profile.Save(path);
            var transport = new InMemoryTransport();
            await using (var queue = ScouterQueue.FromPath(new Dictionary<string, string> { ["m"] = path }, transport))
            {
                Assert.Equal(DriftType.Custom, queue["m"].DriftType);
                queue["m"].Insert(new Metrics([new Metric("mae", 3)]));
            }
            Assert.Equal(profile.Config.Uid, Assert.Single(transport.Records).Uid);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("max_buffered_batches")]
    [InlineData("flush_interval")]
    [InlineData("max_backoff")]
    [InlineData("channel_capacity")]
    public void InvalidOptions_ThrowWhenTheQueueIsBuilt(string field)
    {
        var options = new ScouterQueueOptions();
        switch (field)
        {
            case "max_buffered_batches": options.MaxBufferedBatches = 0; break;
            case "flush_interval": options.FlushInterval = TimeSpan.Zero; break;
            case "max_backoff": options.MaxBackoff = TimeSpan.FromMilliseconds(1); break;
            case "channel_capacity": options.ChannelCapacity = 0; break;
        }
        var ex = Assert.Throws<ScouterConfigException>(() =>
            ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["p"] = PsiProfile() }, new InMemoryTransport(), options));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
