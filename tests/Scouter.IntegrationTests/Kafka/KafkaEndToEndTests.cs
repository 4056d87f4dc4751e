using Scouter.Client;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

/// <summary>
/// The broker scenario over Kafka: ScouterQueue → KafkaTransport → librdkafka's mock cluster (real
/// loopback TCP) → the server replicas' consumer group → PostgreSQL.
/// </summary>
public sealed class KafkaEndToEndTests
{
    [Fact]
    public async Task HundredThousandInserts_StoredExactly_DriftCheckAlerts()
    {
        const int total = 100_000;
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.UniqueName("e2e");
        // Not created up front: the consumer starts on a missing topic, as on a fresh cluster.
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await KafkaTestSupport.StartReplicaAsync(database, cluster, topic, KafkaTestSupport.UniqueName("group"));
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "kafka-e2e", ct);

        var queue = PsiTraffic.Queue(profile, KafkaTestSupport.Transport(cluster, topic));
        PsiTraffic.Insert(queue, total);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(120));

        PsiTraffic.AssertDelivered(queue.Statistics, total);
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(60), ct);
        await PsiTraffic.AssertDriftAlertAsync(admin, profile.Config.Uid, ct);
    }

    [Fact]
    public async Task TwoReplicasInOneGroup_SharePartitions_StoreEveryBatchOnce()
    {
        const int profiles = 24;
        const int rowsPerProfile = 2_000;
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.UniqueName("two");
        var group = KafkaTestSupport.UniqueName("group");
        cluster.CreateTopics(topic, topic + ".dlq");
        await using var database = await PostgresDatabase.CreateAsync();
        var sinks = new CountingSink[2];
        await using var first = await KafkaTestSupport.StartShortSessionReplicaAsync(database, cluster, topic, group, sinks, 0);
        await using var second = await KafkaTestSupport.StartShortSessionReplicaAsync(database, cluster, topic, group, sinks, 1);
        await using var admin = first.AdminClient();
        var registered = await RegisterProfilesAsync(admin, "kafka-two", profiles, ct);

        // Several profiles: a profile's batches share one partition (its key), so one profile would feed one replica.
        // With 24 keys hashed over 6 partitions, the chance that all land on one replica's 3 is 2^-23.
        var queue = ScouterQueue.FromProfiles(registered, KafkaTestSupport.Transport(cluster, topic), PsiTraffic.QueueOptions());
        await InsertPacedAsync(queue, rowsPerProfile, TimeSpan.FromSeconds(4), ct);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        PsiTraffic.AssertDelivered(queue.Statistics, profiles * rowsPerProfile);
        foreach (var profile in registered.Values)
            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, rowsPerProfile, TimeSpan.FromSeconds(60), ct, TimeSpan.Zero);
        await PsiTraffic.AssertStoredExactlyAsync(admin, registered["p0"].Config.Uid, rowsPerProfile, TimeSpan.FromSeconds(5), ct);
        Assert.True(sinks[0].Stored > 0, $"first replica stored {sinks[0].Stored} batches");
        Assert.True(sinks[1].Stored > 0, $"second replica stored {sinks[1].Stored} batches");
        Assert.Equal(queue.Statistics.BatchesSent, sinks[0].Stored + sinks[1].Stored);
    }

    [Fact]
    public async Task ReplicaStoppedWhileMessagesFlow_OtherReplicaFinishes_NothingLostOrDoubled()
    {
        const int profiles = 24;
        const int rowsPerStep = 100;
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.UniqueName("stop");
        var group = KafkaTestSupport.UniqueName("group");
        cluster.CreateTopics(topic, topic + ".dlq");
        await using var database = await PostgresDatabase.CreateAsync();
        var sinks = new CountingSink[2];
        await using var stopped = await KafkaTestSupport.StartShortSessionReplicaAsync(database, cluster, topic, group, sinks, 0);
        await using var survivor = await KafkaTestSupport.StartShortSessionReplicaAsync(database, cluster, topic, group, sinks, 1);
        await using var admin = survivor.AdminClient();
        var registered = await RegisterProfilesAsync(admin, "kafka-stop", profiles, ct);

        // Traffic flows until the first replica has stored some of it, however long its group join takes on a
        // loaded machine; it is stopped there, mid-stream, and the traffic goes on for the survivor.
        var queue = ScouterQueue.FromProfiles(registered, KafkaTestSupport.Transport(cluster, topic), PsiTraffic.QueueOptions());
        var rowsPerProfile = 0;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (sinks[0].Stored == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "the first replica stored nothing in 90 s of traffic");
            rowsPerProfile += InsertStep(queue, rowsPerProfile, rowsPerStep);
            await Task.Delay(300, ct);
        }
        await stopped.StopAsync();
        var storedByStopped = sinks[0].Stored;
        for (var step = 0; step < 10; step++)
        {
            rowsPerProfile += InsertStep(queue, rowsPerProfile, rowsPerStep);
            await Task.Delay(300, ct);
        }
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        PsiTraffic.AssertDelivered(queue.Statistics, profiles * rowsPerProfile);
        foreach (var profile in registered.Values)
            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, rowsPerProfile, TimeSpan.FromSeconds(60), ct, TimeSpan.Zero);
        await PsiTraffic.AssertStoredExactlyAsync(admin, registered["p0"].Config.Uid, rowsPerProfile, TimeSpan.FromSeconds(5), ct);
        Assert.Equal(storedByStopped, sinks[0].Stored);
        Assert.True(sinks[1].Stored > 0, "the surviving replica stored nothing");
        Assert.Equal(queue.Statistics.BatchesSent, sinks[0].Stored + sinks[1].Stored);
    }

    /// <summary>Inserts <paramref name="count"/> rows into every profile, numbered from <paramref name="first"/>; returns the count.</summary>
    private static int InsertStep(ScouterQueue queue, int first, int count)
    {
        foreach (var alias in queue.Aliases)
        {
            var profileQueue = queue[alias];
            for (var i = first; i < first + count; i++) profileQueue.Insert(KafkaTestSupport.DriftedRow(i));
        }
        return count;
    }

    private static async Task<Dictionary<string, DriftProfile>> RegisterProfilesAsync(ScouterClient admin, string space, int count, CancellationToken ct)
    {
        var profiles = new Dictionary<string, DriftProfile>();
        for (var i = 0; i < count; i++) profiles[$"p{i}"] = await PsiTraffic.RegisterProfileAsync(admin, $"{space}-{i}", ct);
        return profiles;
    }

    /// <summary>Inserts <paramref name="rowsPerProfile"/> rows into every profile, spread evenly over <paramref name="duration"/>.</summary>
    private static async Task InsertPacedAsync(ScouterQueue queue, int rowsPerProfile, TimeSpan duration, CancellationToken ct)
    {
        const int steps = 20;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            InsertStep(queue, 0, rowsPerProfile / steps);
            var ahead = duration * (step + 1) / steps - clock.Elapsed;
            if (ahead > TimeSpan.Zero) await Task.Delay(ahead, ct);
        }
    }
}
