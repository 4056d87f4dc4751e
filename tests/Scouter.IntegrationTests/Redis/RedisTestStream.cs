using Scouter.Client.Transports;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Records;
using StackExchange.Redis;

namespace Scouter.IntegrationTests.Redis;

/// <summary>
/// A stream of its own on the shared local Redis (<c>SCOUTER_TEST_REDIS</c>, default <c>127.0.0.1:56379</c>,
/// started by scripts/services.sh). The stream and its dead-letter stream are deleted on dispose; the
/// shared server is never flushed.
/// </summary>
public sealed class RedisTestStream : IAsyncDisposable
{
    private RedisTestStream(ConnectionMultiplexer connection, string address, string name)
    {
        Connection = connection;
        Address = address;
        Name = name;
    }

    /// <summary>The shared test Redis.</summary>
    public static string SharedAddress => Environment.GetEnvironmentVariable("SCOUTER_TEST_REDIS") ?? "127.0.0.1:56379";

    /// <summary>The Redis this stream lives on.</summary>
    public string Address { get; }

    /// <summary>The stream key, unique per test.</summary>
    public string Name { get; }

    /// <summary>The dead-letter stream key.</summary>
    public string DeadLetterName => Name + ":dlq";

    /// <summary>A test-side connection.</summary>
    public ConnectionMultiplexer Connection { get; }

    /// <summary>The test-side database.</summary>
    public IDatabase Db => Connection.GetDatabase();

    /// <summary>Connects to <paramref name="address"/> (default: the shared test Redis) and picks a new stream name.</summary>
    public static async Task<RedisTestStream> CreateAsync(string? address = null)
    {
        address ??= SharedAddress;
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { address }, AbortOnConnectFail = false, ConnectTimeout = 5_000, AsyncTimeout = 5_000,
            });
            await connection.GetDatabase().PingAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new InvalidOperationException($"Redis test server not reachable at {address}: run scripts/services.sh first. ({ex.Message})", ex);
        }
        return new RedisTestStream(connection, address, "scouter-test-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>Entries read by the group but not acknowledged.</summary>
    public async Task<long> PendingAsync(string group = "scouter") => (await Db.StreamPendingAsync(Name, group)).PendingMessageCount;

    /// <summary>The dead-letter entries.</summary>
    public Task<StreamEntry[]> DeadLettersAsync() => Db.StreamRangeAsync(DeadLetterName, "-", "+");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Db.KeyDeleteAsync([Name, DeadLetterName]);
        }
        catch (RedisException)
        {
            // A dedicated server may already be gone with its data.
        }
        await Connection.DisposeAsync();
    }
}

/// <summary>A transport that keeps the batches a queue cut, to replay them into Redis by hand.</summary>
internal sealed class CollectingTransport : IRecordTransport
{
    private readonly List<RecordBatch> _batches = [];

    public string Name => "collect";

    public IReadOnlyList<RecordBatch> Batches
    {
        get
        {
            lock (_batches) return [.. _batches];
        }
    }

    public Task<IReadOnlyList<RejectedRecord>> SendAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        lock (_batches) _batches.Add(batch);
        return Task.FromResult<IReadOnlyList<RejectedRecord>>([]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The batches of <paramref name="inserts"/> drifted rows for <paramref name="profile"/>.</summary>
    public static async Task<IReadOnlyList<RecordBatch>> BatchesAsync(DriftProfile profile, int inserts)
    {
        var transport = new CollectingTransport();
        var queue = PsiTraffic.Queue(profile, transport);
        PsiTraffic.Insert(queue, inserts);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(30));
        PsiTraffic.AssertDelivered(queue.Statistics, inserts);
        return transport.Batches;
    }
}
