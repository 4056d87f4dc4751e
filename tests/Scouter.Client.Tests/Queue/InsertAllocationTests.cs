using Scouter.Client.Transports;
using Scouter.Data;
using Xunit;

namespace Scouter.Client.Tests.Queue;

/// <summary>The request-path contract: inserting a typed object allocates nothing on the caller's thread.</summary>
public sealed class InsertAllocationTests
{
    public sealed record Request(double Age, double Income, string Region) : IFeatureSource;

    [Fact]
    public async Task Insert_TypedObject_AllocatesNothingOnTheCallingThread()
    {
        var rows = Enumerable.Range(0, 200).Select(i => new Request(20 + (i % 50), 1000.0 * i, i % 2 == 0 ? "north" : "south")).ToList();
        var profile = Drifter.CreatePsiProfile(ColumnTable.FromObjects(rows), new PsiDriftConfig { Space = "alloc", Name = "m" });
        await using var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile }, new InMemoryTransport());
        var psi = queue["psi"];
        var request = rows[7];
        // Warm up JIT and statics, and grow the channel's buffer once past what the measured loop can
        // hold (it keeps its capacity afterwards; growth is a one-off, not a per-insert cost): the
        // worker is held inside the first insert, so all 20 000 warm-up inserts wait in the channel at
        // once, whatever the machine's speed.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var release = new ManualResetEventSlim())
        {
            psi.Insert(new BlockingRequest(entered, release));
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            for (var i = 0; i < 20_000; i++) psi.Insert(request);
            release.Set();
            await queue.FlushAsync(TestContext.Current.CancellationToken);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) psi.Insert(request);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        await queue.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(30_001, queue.Statistics.Inserted);
    }

    /// <summary>A request whose feature is read on the queue's worker; reading it holds the worker until released.</summary>
    private sealed class BlockingRequest(TaskCompletionSource entered, ManualResetEventSlim release) : IFeatureSource
    {
        public double Age
        {
            get
            {
                entered.TrySetResult();
                release.Wait(TestContext.Current.CancellationToken);
                return 30;
            }
        }
    }
}
