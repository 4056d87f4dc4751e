using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Ingestion;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Records;
using Scouter.Redis;
using Scouter.Serialization;
using Scouter.Server.Ingestion;
using StackExchange.Redis;
using Xunit;

namespace Scouter.IntegrationTests.Redis;

/// <summary>
/// The broker scenario over Redis: ScouterQueue → RedisTransport → stream → server replica(s) →
/// PostgreSQL, plus the failure cases of a stream consumer group.
/// </summary>
public sealed class RedisEndToEndTests
{
    [Fact]
    public async Task HundredThousandInserts_StoredExactly_DriftCheckAlerts()
    {
        const int total = 100_000;
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await StartServerAsync(database, stream);
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-e2e", ct);

        var queue = PsiTraffic.Queue(profile, new RedisTransport(new RedisConfig { Address = stream.Address, Stream = stream.Name }));
        PsiTraffic.Insert(queue, total);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(120));

        PsiTraffic.AssertDelivered(queue.Statistics, total);
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
        await PsiTraffic.AssertDriftAlertAsync(admin, profile.Config.Uid, ct);
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        Assert.Empty(await stream.DeadLettersAsync());
        // Stored entries are deleted: the stream holds only the backlog, which is now empty.
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.Db.StreamLengthAsync(stream.Name) == 0, ct);
    }

    [Fact]
    public async Task RedisKilledMidStream_RestartedFromItsAppendOnlyFile_StoredExactlyWithRetries()
    {
        const int total = 30_000;
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisProcess.StartAsync();
        await using var stream = await RedisTestStream.CreateAsync(redis.Address);
        await using var database = await PostgresDatabase.CreateAsync();
        // The source is registered by hand for a short ClaimMinIdle: entries whose XACK died with Redis come back quickly.
        await using var server = await BrokerTestServer.StartAsync(database, _ => { }, s => s.AddRedisRecordSource(new RedisConfig
        {
            Address = redis.Address, Stream = stream.Name, ClaimMinIdle = TimeSpan.FromSeconds(2), SendTimeout = TimeSpan.FromSeconds(2),
        }));
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-restart", ct);

        var options = PsiTraffic.QueueOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(50);
        var queue = PsiTraffic.Queue(profile, new RedisTransport(new RedisConfig
        {
            Address = redis.Address, Stream = stream.Name, SendTimeout = TimeSpan.FromSeconds(1),
        }), options);
        var inserting = PsiTraffic.InsertPacedAsync(queue, total, 5_000, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var storedBeforeKill = (await PsiTraffic.StoredCountsAsync(admin, profile.Config.Uid, ct)).Values.DefaultIfEmpty().Min();
        await redis.KillAsync();
        // Down longer than the send timeout, so sends fail and the queue retries.
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        await redis.RestartAsync();
        await inserting;
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(storedBeforeKill, 1, total - 1);
        PsiTraffic.AssertDelivered(queue.Statistics, total);
        Assert.True(queue.Statistics.Retries > 0, "no send was retried: the outage did not happen mid-stream");
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(30), ct, TimeSpan.FromSeconds(4));
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
    }

    [Fact]
    public async Task ConsumerVanishesWithEntriesPending_ServerReclaimsAndStoresThemOnce()
    {
        const int inserts = 5_000;
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await stream.Db.StreamCreateConsumerGroupAsync(stream.Name, "scouter", "0", createStream: true);
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, _ => { }, s => s.AddRedisRecordSource(new RedisConfig
        {
            Address = stream.Address, Stream = stream.Name, ClaimMinIdle = TimeSpan.FromSeconds(1),
        }));
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-dead-consumer", ct);
        var batches = await CollectingTransport.BatchesAsync(profile, inserts);

        // Appended and read by another consumer atomically, so the server's consumer never sees them as new.
        var transaction = stream.Db.CreateTransaction();
        foreach (var batch in batches) _ = transaction.StreamAddAsync(stream.Name, "batch", Json(batch));
        var read = transaction.StreamReadGroupAsync(stream.Name, "scouter", "dead-consumer", ">", batches.Count);
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(batches.Count, (await read).Length);

        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, inserts, TimeSpan.FromSeconds(20), ct, TimeSpan.FromSeconds(3));
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        var consumers = await stream.Db.StreamConsumerInfoAsync(stream.Name, "scouter");
        Assert.Equal(0, consumers.Single(c => c.Name == "dead-consumer").PendingMessageCount);
    }

    [Fact]
    public async Task PoisonEntries_GoToTheDeadLetterStream_AndTheConsumerKeepsGoing()
    {
        const int inserts = 3_000;
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await StartServerAsync(database, stream);
        await using var admin = server.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-poison", ct);
        var batches = await CollectingTransport.BatchesAsync(profile, inserts);
        Assert.True(batches.Count >= 2);
        var unknownProfile = batches[0] with
        {
            BatchId = Guid.CreateVersion7(),
            Records = [.. batches[0].Records.Select(r => r with { Uid = Guid.NewGuid() })],
        };

        await stream.Db.StreamAddAsync(stream.Name, "batch", Json(batches[0]));
        var notJson = await stream.Db.StreamAddAsync(stream.Name, "batch", "this is not json");
        var noBatchField = await stream.Db.StreamAddAsync(stream.Name, "payload", Json(batches[1]));
        var unknownUid = await stream.Db.StreamAddAsync(stream.Name, "batch", Json(unknownProfile));
        foreach (var batch in batches.Skip(1)) await stream.Db.StreamAddAsync(stream.Name, "batch", Json(batch));

        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, inserts, TimeSpan.FromSeconds(20), ct, TimeSpan.Zero);
        await RedisRecordSourceTests.WaitUntilAsync(async () => await stream.PendingAsync() == 0, ct);
        var deadLetters = (await stream.DeadLettersAsync()).ToDictionary(e => e["source_id"].ToString(), StringComparer.Ordinal);
        Assert.Equal(3, deadLetters.Count);
        Assert.Equal("this is not json", deadLetters[notJson.ToString()]["batch"].ToString());
        Assert.StartsWith("invalid_json", deadLetters[notJson.ToString()]["error"].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("missing_batch_field", deadLetters[noBatchField.ToString()]["error"].ToString(), StringComparison.Ordinal);
        Assert.Equal(Json(unknownProfile), (byte[])deadLetters[unknownUid.ToString()]["batch"]!);
        Assert.False(deadLetters[unknownUid.ToString()]["error"].IsNullOrEmpty);
    }

    [Fact]
    public async Task TwoReplicasInOneGroup_ShareTheStream_StoredExactly()
    {
        const int total = 20_000;
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await RedisTestStream.CreateAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        var sinks = new List<CountingSink>();
        void Counting(IServiceCollection s) => s.AddSingleton<IRecordBatchSink>(sp =>
        {
            var sink = new CountingSink(ActivatorUtilities.CreateInstance<PipelineRecordSink>(sp));
            lock (sinks) sinks.Add(sink);
            return sink;
        });
        void Redis(Scouter.Server.ServerOptions o)
        {
            o.RedisAddress = stream.Address;
            o.RedisStream = stream.Name;
        }
        await using var first = await BrokerTestServer.StartAsync(database, Redis, Counting);
        await using var second = await BrokerTestServer.StartAsync(database, Redis, Counting);
        await using var admin = first.AdminClient();
        var profile = await PsiTraffic.RegisterProfileAsync(admin, "redis-replicas", ct);

        var options = PsiTraffic.QueueOptions();
        options.FlushInterval = TimeSpan.FromMilliseconds(20);
        var queue = PsiTraffic.Queue(profile, new RedisTransport(new RedisConfig { Address = stream.Address, Stream = stream.Name }), options);
        await PsiTraffic.InsertPacedAsync(queue, total, 10_000, ct);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        PsiTraffic.AssertDelivered(queue.Statistics, total);
        await PsiTraffic.AssertStoredExactlyAsync(admin, profile.Config.Uid, total, TimeSpan.FromSeconds(30), ct, TimeSpan.Zero);
        Assert.Equal(2, sinks.Count);
        Assert.All(sinks, sink => Assert.True(sink.Stored > 0, "a replica consumed nothing"));
        Assert.Equal(queue.Statistics.BatchesSent, sinks.Sum(s => s.Stored + s.Duplicates));
    }

    private static byte[] Json(RecordBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, ScouterJsonContext.Default.RecordBatch);

    /// <summary>A replica consuming <paramref name="stream"/> as configured by REDIS_ADDR / REDIS_STREAM.</summary>
    private static Task<BrokerTestServer> StartServerAsync(PostgresDatabase database, RedisTestStream stream) =>
        BrokerTestServer.StartAsync(database, o =>
        {
            o.RedisAddress = stream.Address;
            o.RedisStream = stream.Name;
        });
}
