using Scouter.Client.Tests.Queue;
using Scouter.Client.Transports;
using Scouter.Records;
using Xunit;

namespace Scouter.Client.Tests.Transports;

/// <summary><see cref="InMemoryTransport"/> refuses what the server would refuse and stores the rest.</summary>
public class InMemoryTransportTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private static PsiRecord Psi(Guid uid, string feature, int bin) =>
        new() { Uid = uid, CreatedAt = At, Feature = feature, BinCounts = new Dictionary<int, long> { [bin] = 3 } };

    private static RecordBatch Batch(params DriftRecord[] records) => new() { BatchId = Guid.CreateVersion7(), SentAt = At, Records = records };

    [Fact]
    public async Task ConstructorProfiles_UnknownUidAndBrokenRulesAreRefused_TheRestStored()
    {
        var profile = QueueTestKit.PsiProfile(); // x: 4 numeric bins; c: 3 categories
        var uid = profile.Config.Uid;
        var transport = new InMemoryTransport([profile]);
        var other = Guid.CreateVersion7();
        var batch = Batch(Psi(uid, "x", 2), Psi(uid, "x", 9), Psi(other, "x", 1), Psi(uid, "nope", 1), Psi(uid, "x", -1), Psi(uid, "c", -1));

        var refused = await transport.SendAsync(batch, TestContext.Current.CancellationToken);

        Assert.Equal(
            [(1, "unknown_bin", "records[1].bin_counts.9"), (2, "unknown_profile", "records[2].uid"), (3, "unknown_feature", "records[3].feature"), (4, "unknown_bin", "records[4].bin_counts.-1")],
            refused.Select(r => (r.Index, r.Code, r.Field)));
        var stored = Assert.Single(transport.Batches);
        Assert.Equal(batch.BatchId, stored.BatchId);
        Assert.Equal([batch.Records[0], batch.Records[5]], stored.Records);
        Assert.Equal([batch.Records[0], batch.Records[5]], transport.Records);
    }

    [Fact]
    public async Task BatchWithEveryRecordRefused_IsNotListed()
    {
        var transport = new InMemoryTransport();
        var refused = await transport.SendAsync(Batch(Psi(Guid.CreateVersion7(), "x", 1)), TestContext.Current.CancellationToken);

        Assert.Equal("unknown_profile", Assert.Single(refused).Code);
        Assert.Empty(transport.Batches);
        Assert.Equal(1, transport.SendAttempts);
    }

    [Fact]
    public async Task ValidationOff_StoresEveryRecord()
    {
        var transport = new InMemoryTransport { ValidateRecords = false };
        var batch = Batch(Psi(Guid.CreateVersion7(), "x", 1), Psi(Guid.CreateVersion7(), "y", 99));
        Assert.Empty(await transport.SendAsync(batch, TestContext.Current.CancellationToken));
        Assert.Equal(batch.Records, transport.Records);
    }

    [Fact]
    public async Task LearnsTheProfilesOfTheQueuesThatUseIt()
    {
        var profile = QueueTestKit.PsiProfile();
        var transport = new InMemoryTransport();
        await using (var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile }, transport))
        {
            queue["psi"].Insert(new Features([new Feature("x", 1.0), new Feature("c", "a")]));
            await queue.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Empty(queue.Statistics.RejectedRecords);
            Assert.Equal(2, queue.Statistics.RecordsSent);
        }
        Assert.Equal(2, transport.Records.Count);
        Assert.Empty(await transport.SendAsync(Batch(Psi(profile.Config.Uid, "c", 3)), TestContext.Current.CancellationToken));
    }
}
