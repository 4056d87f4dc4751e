using System.Diagnostics;
using System.Text.Json;
using Scouter.Client.Transports;
using Scouter.Records;
using Scouter.Redis;
using Scouter.Serialization;
using Xunit;

namespace Scouter.IntegrationTests.Redis;

public sealed class RedisTransportTests
{
    private static RecordBatch Batch() => new()
    {
        BatchId = Guid.CreateVersion7(),
        SentAt = TimeProvider.System.GetUtcNow(),
        Records = [new PsiRecord { Uid = Guid.NewGuid(), CreatedAt = TimeProvider.System.GetUtcNow(), Feature = "age", BinCounts = new Dictionary<int, long> { [1] = 3 } }],
    };

    [Fact]
    public async Task Send_AppendsBatchJsonAsTheBatchFieldOfOneEntry()
    {
        await using var stream = await RedisTestStream.CreateAsync();
        var batch = Batch();
        await using (var transport = new RedisTransport(new RedisConfig { Address = stream.Address, Stream = stream.Name }))
        {
            await transport.SendAsync(batch, TestContext.Current.CancellationToken);
        }

        var entry = Assert.Single(await stream.Db.StreamRangeAsync(stream.Name, "-", "+"));
        var field = Assert.Single(entry.Values);
        Assert.Equal("batch", field.Name.ToString());
        var sent = JsonSerializer.Deserialize((byte[])field.Value!, ScouterJsonContext.Default.RecordBatch);
        Assert.Equal(batch.BatchId, sent!.BatchId);
        Assert.Equal(((PsiRecord)batch.Records[0]).BinCounts, ((PsiRecord)sent.Records[0]).BinCounts);
    }

    [Fact]
    public async Task Send_TrimsTheStreamApproximatelyToMaxLength()
    {
        await using var stream = await RedisTestStream.CreateAsync();
        await using var transport = new RedisTransport(new RedisConfig { Address = stream.Address, Stream = stream.Name, MaxLength = 10 });
        for (var i = 0; i < 300; i++) await transport.SendAsync(Batch(), TestContext.Current.CancellationToken);

        // "~" trims whole macro nodes (100 entries by default), so the length stays near the bound, not at it.
        var length = await stream.Db.StreamLengthAsync(stream.Name);
        Assert.InRange(length, 10, 200);
    }

    [Fact]
    public async Task Send_RedisUnreachable_ThrowsRetryableWithinSendTimeout()
    {
        var address = $"redis://:hunter2@127.0.0.1:{RedisProcess.FreePort()}";
        await using var transport = new RedisTransport(new RedisConfig { Address = address, Stream = "unreachable", SendTimeout = TimeSpan.FromSeconds(1) });
        var batch = Batch();

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(batch, TestContext.Current.CancellationToken));
        clock.Stop();

        Assert.True(ex.Retryable);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
        Assert.Contains(batch.BatchId.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);

        // The next send fails the same way (the transport keeps reconnecting in the background).
        var again = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), TestContext.Current.CancellationToken));
        Assert.True(again.Retryable);
    }

    [Fact]
    public async Task Send_WrongPassword_FailsNotRetryableAtOnce_NamingAddressAndCause()
    {
        await using var redis = await RedisProcess.StartAsync("--requirepass", "right-pw");
        await using var transport = new RedisTransport(new RedisConfig
        {
            Address = $"redis://:wrong-pw@{redis.Address}", Stream = "auth", SendTimeout = TimeSpan.FromSeconds(20),
        });

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), TestContext.Current.CancellationToken));

        Assert.False(ex.Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}, the send timeout is 20 s");
        Assert.Contains(redis.Address, ex.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw", ex.ToString(), StringComparison.Ordinal);

        // Still refused on the next send, equally fast.
        clock.Restart();
        var again = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), TestContext.Current.CancellationToken));
        Assert.False(again.Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Send_PasswordRequiredButNoneGiven_FailsNotRetryable()
    {
        await using var redis = await RedisProcess.StartAsync("--requirepass", "right-pw");
        await using var transport = new RedisTransport(new RedisConfig { Address = redis.Address, Stream = "auth", SendTimeout = TimeSpan.FromSeconds(20) });

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), TestContext.Current.CancellationToken));

        Assert.False(ex.Retryable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains(redis.Address, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_UserWithoutXaddPermission_FailsNotRetryable()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var stream = await RedisTestStream.CreateAsync(redis.Address);
        await stream.Db.ExecuteAsync("ACL", "SETUSER", "no-xadd", "on", ">pw", "~*", "&*", "+@all", "-xadd");
        await using var transport = new RedisTransport(new RedisConfig { Address = $"redis://no-xadd:pw@{redis.Address}", Stream = stream.Name });

        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), TestContext.Current.CancellationToken));

        Assert.False(ex.Retryable);
        Assert.Contains("permission denied", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NOPERM", ex.Message, StringComparison.Ordinal);
        Assert.Contains(redis.Address, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_BatchOverTheServersBulkLimit_FailsNotRetryable()
    {
        await using var redis = await RedisProcess.StartAsync("--proto-max-bulk-len", "1mb");
        await using var transport = new RedisTransport(new RedisConfig { Address = redis.Address, Stream = "large" });
        var batch = new RecordBatch
        {
            BatchId = Guid.CreateVersion7(),
            SentAt = TimeProvider.System.GetUtcNow(),
            Records = [new LlmDriftRecord { Uid = Guid.NewGuid(), CreatedAt = TimeProvider.System.GetUtcNow(), RecordId = Guid.CreateVersion7(), Input = new string('x', 2_000_000) }],
        };

        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(batch, TestContext.Current.CancellationToken));

        Assert.False(ex.Retryable);
        Assert.Contains("message too large", ex.Message, StringComparison.Ordinal);
        // A normal batch goes through afterwards (the client reconnects after Redis closed the connection).
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await transport.SendAsync(Batch(), TestContext.Current.CancellationToken);
                break;
            }
            catch (TransportException again) when (again.Retryable && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task Send_RedisComesBack_NextSendSucceeds()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var stream = await RedisTestStream.CreateAsync(redis.Address);
        await using var transport = new RedisTransport(new RedisConfig { Address = redis.Address, Stream = stream.Name, SendTimeout = TimeSpan.FromSeconds(1) });
        var ct = TestContext.Current.CancellationToken;
        await transport.SendAsync(Batch(), ct);

        await redis.KillAsync();
        var ex = await Assert.ThrowsAsync<TransportException>(() => transport.SendAsync(Batch(), ct));
        Assert.True(ex.Retryable);
        await redis.RestartAsync();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await transport.SendAsync(Batch(), ct);
                break;
            }
            catch (TransportException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100, ct);
            }
        }
        Assert.Equal(2, await stream.Db.StreamLengthAsync(stream.Name));
    }
}
