using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Ingestion;
using Scouter.RabbitMQ;
using Scouter.Server.Ingestion;
using Xunit;

namespace Scouter.IntegrationTests.RabbitMQ;

/// <summary>
/// ScouterQueue → <see cref="RabbitMQTransport"/> → RabbitMQ (the shared test node) → server replicas'
/// <see cref="RabbitMQRecordSource"/> → PostgreSQL, each test on its own queue and database.
/// </summary>
public sealed class RabbitMQEndToEndTests
{
    [Fact]
    public async Task HundredThousandInserts_StoredExactly_DriftCheckAlerts()
    {
        const int total = 100_000;
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("e2e");
        try
        {
            await using var database = await PostgresDatabase.CreateAsync();
            await using var server = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName);
            await using var admin = server.AdminClient();
            var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-e2e", ct);

            var queue = PsiTraffic.Queue(profile, Transport(RabbitMQTestBroker.Address, queueName));
            PsiTraffic.Insert(queue, total);
            await queue.ShutdownAsync(TimeSpan.FromSeconds(120));

            PsiTraffic.AssertDelivered(queue.Statistics, total);
            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(60), ct);
            await PsiTraffic.AssertDriftAlertAsync(admin, profile.Config.Uid, ct);
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task PoisonMessages_GoToDeadLetterQueueWithReason_ConsumerContinues()
    {
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("poison");
        try
        {
            await using var database = await PostgresDatabase.CreateAsync();
            await using var server = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName);
            await using var admin = server.AdminClient();
            var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-poison", ct);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);
            await using var connection = await RabbitMQTestBroker.ConnectAsync(RabbitMQTestBroker.Address, ct);

            var queue = PsiTraffic.Queue(profile, Transport(RabbitMQTestBroker.Address, queueName));
            PsiTraffic.Insert(queue, 2_000);
            await queue.FlushAsync(ct);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "poison-not-json", "this is { not json", ct);
            var unknownUid = Guid.NewGuid();
            var createdAt = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            await RabbitMQTestBroker.PublishRawAsync(connection, queueName, "poison-unknown-profile",
                $$$"""{"batch_id":"{{{Guid.NewGuid()}}}","sent_at":"{{{createdAt}}}","records":[{"type":"psi","uid":"{{{unknownUid}}}","created_at":"{{{createdAt}}}","feature":"age","bin_counts":{"1":5}}]}""",
                ct);
            // Valid batches after the poison ones: stored only if the consumer kept going.
            PsiTraffic.Insert(queue, 3_000);
            await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

            PsiTraffic.AssertDelivered(queue.Statistics, 5_000);
            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, 5_000, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);

            var deadLetters = await RabbitMQTestBroker.DrainAsync(connection, queueName + ".dlq", ct);
            Assert.Equal(["poison-not-json", "poison-unknown-profile"], deadLetters.Select(m => m.BasicProperties.MessageId).Order(StringComparer.Ordinal));
            var notJson = deadLetters.Single(m => m.BasicProperties.MessageId == "poison-not-json");
            Assert.Equal("this is { not json", Encoding.UTF8.GetString(notJson.Body.Span));
            Assert.StartsWith("invalid_json", RabbitMQTestBroker.Header(notJson.BasicProperties, "x-scouter-error"), StringComparison.Ordinal);
            Assert.Equal(queueName, RabbitMQTestBroker.Header(notJson.BasicProperties, "x-scouter-source-queue"));
            var unknown = deadLetters.Single(m => m.BasicProperties.MessageId == "poison-unknown-profile");
            var reason = RabbitMQTestBroker.Header(unknown.BasicProperties, "x-scouter-error");
            Assert.StartsWith("unknown_profile", reason, StringComparison.Ordinal);
            Assert.Contains(unknownUid.ToString(), reason, StringComparison.Ordinal);
            Assert.True(unknown.BasicProperties.Persistent);
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task TwoReplicasOnOneQueue_BothConsume_StoredExactly()
    {
        const int total = 60_000;
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("replicas");
        try
        {
            await using var database = await PostgresDatabase.CreateAsync();
            var sinkA = new CountingSink();
            var sinkB = new CountingSink();
            await using var replicaA = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName, sinkA);
            await using var replicaB = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName, sinkB);
            await using var admin = replicaA.AdminClient();
            var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-replicas", ct);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 2, ct);

            var queue = PsiTraffic.Queue(profile, Transport(RabbitMQTestBroker.Address, queueName));
            PsiTraffic.Insert(queue, total);
            await queue.ShutdownAsync(TimeSpan.FromSeconds(120));

            PsiTraffic.AssertDelivered(queue.Statistics, total);
            await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(60), ct);
            Assert.True(sinkA.Stored > 0, "replica A stored nothing");
            Assert.True(sinkB.Stored > 0, "replica B stored nothing");
            // Each batch stored by exactly one replica (a redelivery would count as a duplicate, not a store).
            Assert.Equal(queue.Statistics.BatchesSent, sinkA.Stored + sinkB.Stored);
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    [Fact]
    public async Task ReplicaStoppedMidStream_FinishesAndAcksInFlight_OtherReplicaDrainsRest()
    {
        const int total = 80_000; // 80 batches of 1 000 inserts
        var ct = TestContext.Current.CancellationToken;
        var queueName = RabbitMQTestBroker.UniqueQueue("shutdown");
        try
        {
            await using var database = await PostgresDatabase.CreateAsync();
            // Slow stores, so that the replica holds a full window of messages when it is stopped.
            var sinkA = new CountingSink(delay: TimeSpan.FromMilliseconds(500));
            var replicaA = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName, sinkA);
            await using var admin = replicaA.AdminClient();
            var profile = await PsiTraffic.RegisterProfileAsync(admin, "rabbitmq-shutdown", ct);
            await RabbitMQTestBroker.WaitForConsumersAsync(RabbitMQTestBroker.Address, queueName, 1, ct);

            var queue = PsiTraffic.Queue(profile, Transport(RabbitMQTestBroker.Address, queueName));
            PsiTraffic.Insert(queue, total);
            await queue.ShutdownAsync(TimeSpan.FromSeconds(120));
            PsiTraffic.AssertDelivered(queue.Statistics, total);

            while (sinkA.Stored < 16) await Task.Delay(20, ct);
            var stopping = Stopwatch.StartNew();
            await replicaA.DisposeAsync();
            stopping.Stop();
            var storedByA = sinkA.Stored;
            Assert.True(sinkA.Started == sinkA.Completed, $"replica A stopped with {sinkA.Started - sinkA.Completed} stores unfinished");
            Assert.True(sinkA.RetryLater == 0, "replica A's stores were cut short at shutdown");
            Assert.InRange(storedByA, 16, (int)queue.Statistics.BatchesSent - 1);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {stopping.Elapsed}");

            var sinkB = new CountingSink();
            await using var replicaB = await StartReplicaAsync(database, RabbitMQTestBroker.Address, queueName, sinkB);
            await using var adminB = replicaB.AdminClient();
            await PsiTraffic.AssertStoredExactlyAsync(adminB, profile.Config.Uid, total, TimeSpan.FromSeconds(60), ct);
            // Everything replica A stored it also acknowledged before closing: nothing came back to B.
            Assert.Equal(0, sinkB.Duplicates);
            Assert.Equal(queue.Statistics.BatchesSent, storedByA + sinkB.Stored);
        }
        finally
        {
            await RabbitMQTestBroker.DeleteQueuesAsync(RabbitMQTestBroker.Address, queueName);
        }
    }

    internal static RabbitMQTransport Transport(string address, string queue, TimeSpan? sendTimeout = null) =>
        new(new RabbitMQConfig { Address = address, Queue = queue, SendTimeout = sendTimeout ?? TimeSpan.FromSeconds(30) });

    /// <summary>A server replica consuming <paramref name="queue"/>; with <paramref name="sink"/>, its ingestion is counted.</summary>
    internal static Task<BrokerTestServer> StartReplicaAsync(PostgresDatabase database, string address, string queue, CountingSink? sink = null) =>
        BrokerTestServer.StartAsync(database, o =>
        {
            o.RabbitMQAddress = address;
            o.RabbitMQQueue = queue;
        }, sink is null ? null : s => s.AddSingleton<IRecordBatchSink>(sp =>
        {
            // Built from the container, so the sink gets whatever the server's own registration would.
            sink.Inner = ActivatorUtilities.CreateInstance<PipelineRecordSink>(sp);
            return sink;
        }));
}
