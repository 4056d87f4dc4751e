using Scouter.IntegrationTests.Fixtures;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary>A broker crash mid-stream, on a dedicated RabbitMQ node that is killed and started again on its data directory.</summary>
public sealed class RabbitMQBrokerRestartTests
{
    [Fact]
    public async Task BrokerKilledAndRestartedMidStream_ProducerRetries_ConsumerReconnects_StoredExactly()
    {
        const int total = 40_000;
        var ct = TestContext.Current.CancellationToken;
        await using var node = await RabbitMQNode.StartAsync(ct);
        var queueName = RabbitMQTestBroker.UniqueQueue("restart");
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await RabbitMQEndToEndTests.StartReplicaAsync(database, node.Address, queueName);
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-restart", ct);
        await RabbitMQTestBroker.WaitForConsumersAsync(node.Address, queueName, 1, ct);

        // A short flush interval: many small batches are in flight when the broker dies.
        var options = PsiTraffic.QueueOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(50);
        var queue = PsiTraffic.Queue(profile, RabbitMQEndToEndTests.Transport(node.Address, queueName, TimeSpan.FromSeconds(5)), options);
        var inserting = PsiTraffic.InsertPacedAsync(queue, total, perSecond: 5_000, ct);

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var sentBeforeCrash = queue.Statistics.BatchesSent;
        await node.KillAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await node.StartAgainAsync(ct);

        await inserting;
        await queue.ShutdownAsync(TimeSpan.FromSeconds(120));
        var stats = queue.Statistics;
        PsiTraffic.AssertDelivered(stats, total);
        Assert.True(sentBeforeCrash > 5, $"only {sentBeforeCrash} batches sent before the crash");
        Assert.True(stats.Retries > 0, "no send was retried across the broker restart");
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(60), ct);
    }
}
