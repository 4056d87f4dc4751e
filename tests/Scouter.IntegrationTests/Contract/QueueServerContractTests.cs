using System.Globalization;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.IntegrationTests.Fixtures;
using Scouter.Redis;
using Xunit;

namespace Scouter.IntegrationTests.Contract;

/// <summary>
/// The client/server contract as a property: random inserts of every kind — good, malformed and
/// hostile — through a real <see cref="ScouterQueue"/> into a real server on PostgreSQL, over HTTP
/// and over Redis. For every run, each feature and metric's stored count plus what the queue counted
/// as errors, drops and rejected records equals what was inserted, exactly.
/// </summary>
public sealed class QueueServerContractTests
{
    private const int InsertsPerProfile = 1_500;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RandomInserts_OverHttp_StoredPlusCountedEqualsInserted(int seed)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, _ => { });
        var transport = new HttpTransport(new ScouterClientOptions { ServerUri = server.Url, Username = "admin", Password = BrokerTestServer.AdminPassword });
        await RunAsync(server, transport, "contract-http-" + seed.ToString(CultureInfo.InvariantCulture), seed, ct);
    }

    [Fact]
    public async Task RandomInserts_OverRedis_StoredPlusCountedEqualsInserted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stream = await Redis.RedisTestStream.CreateAsync();
        await using var database = await PostgresDatabase.CreateAsync();
        await using var server = await BrokerTestServer.StartAsync(database, o =>
        {
            o.RedisAddress = stream.Address;
            o.RedisStream = stream.Name;
        });
        var transport = new RedisTransport(new RedisConfig { Address = stream.Address, Stream = stream.Name });
        await RunAsync(server, transport, "contract-redis", 3, ct);
        Assert.Empty(await stream.DeadLettersAsync());
    }

    private static async Task RunAsync(BrokerTestServer server, IRecordTransport transport, string space, int seed, CancellationToken ct)
    {
        await using var admin = server.AdminClient();
        var profiles = new Dictionary<string, DriftProfile>(StringComparer.Ordinal);
        foreach (var (alias, profile) in ContractTraffic.Profiles(space))
            profiles[alias] = await admin.RegisterProfileAsync(profile, setActive: true, cancellationToken: ct);

        var traffic = new ContractTraffic(seed);
        var queue = ScouterQueue.FromProfiles(profiles, transport, new ScouterQueueOptions
        {
            ChannelCapacity = 100_000,
            FlushInterval = TimeSpan.FromMilliseconds(200),
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromSeconds(1),
            RandomSeed = seed,
        });
        traffic.InsertInto(queue, InsertsPerProfile);
        await queue.ShutdownAsync(TimeSpan.FromSeconds(60));

        // What the queue counted.
        var stats = queue.Statistics;
        Assert.Equal(traffic.Inserted, stats.Inserted);
        Assert.All(stats.Dropped, d => Assert.Equal(default, d.Value));
        Assert.Equal(0, stats.Buffered);
        Assert.Equal(traffic.NotNumeric, stats.Errors["not_numeric"]);
        Assert.Equal(traffic.NoKnownNames, stats.Errors["no_known_features"]);
        Assert.Equal(traffic.UnknownFeatureNames, stats.Errors["unknown_feature"]);
        Assert.Equal(traffic.UnknownMetricNames, stats.Errors["unknown_metric"]);
        Assert.Equal(traffic.NoKnownMetrics, stats.Errors["no_known_metrics"]);
        Assert.Equal(traffic.NonFiniteMetrics, stats.Errors["non_finite_metric"]);
        Assert.Equal(traffic.OutOfRangeMetrics, stats.Errors["value_out_of_range"]);
        Assert.Equal(traffic.LlmTooLarge, stats.RejectedRecords.GetValueOrDefault("payload_too_large"));
        Assert.Equal(traffic.LlmTooLarge, stats.RejectedRecords.Values.Sum());

        // What the server stored (a broker's consumer stores asynchronously: wait until it has everything).
        var psi = profiles[ContractTraffic.Psi].Config.Uid;
        var spc = profiles[ContractTraffic.Spc].Config.Uid;
        var custom = profiles[ContractTraffic.Custom].Config.Uid;
        var llm = profiles[ContractTraffic.Llm].Config.Uid;
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        Stored stored;
        while (true)
        {
            stored = await ReadStoredAsync(admin, psi, spc, custom, llm, ct);
            if (stored.LlmRecords >= traffic.LlmStored && stored.PsiN.Values.All(n => n >= InsertsPerProfile - traffic.PsiNoKnownNames) || TimeProvider.System.GetUtcNow() > deadline) break;
            await Task.Delay(200, ct);
        }

        // Every insert that reached the PSI aggregator counts once for every feature; the rest are counted errors.
        foreach (var feature in (string[])["x", "y", "c"])
        {
            Assert.Equal(InsertsPerProfile - traffic.PsiNoKnownNames, stored.PsiN[feature]);
        }
        Assert.Equal(traffic.PsiXMissing, stored.PsiXMissing);
        Assert.Equal(traffic.SpcValues["a"], stored.SpcCounts["a"]);
        Assert.Equal(traffic.SpcValues["b"], stored.SpcCounts["b"]);
        foreach (var metric in (string[])["m1", "m2"])
        {
            Assert.Equal(traffic.CustomCounts[metric], stored.CustomCounts[metric]);
            Assert.Equal(traffic.CustomSums[metric], stored.CustomSums[metric], 6);
        }
        Assert.Equal(traffic.LlmStored, stored.LlmRecords);
    }

    private sealed record Stored(
        IReadOnlyDictionary<string, long> PsiN, long PsiXMissing, IReadOnlyDictionary<string, long> SpcCounts,
        IReadOnlyDictionary<string, long> CustomCounts, IReadOnlyDictionary<string, double> CustomSums, long LlmRecords);

    private static async Task<Stored> ReadStoredAsync(ScouterClient client, Guid psi, Guid spc, Guid custom, Guid llm, CancellationToken ct)
    {
        var to = TimeProvider.System.GetUtcNow().AddMinutes(5);
        var from = to.AddDays(-1);
        var psiDrift = await client.GetPsiDriftAsync(psi, from, to, 1, ct);
        var psiN = psiDrift.Features.ToDictionary(f => f.Key, f => f.Value.N, StringComparer.Ordinal);
        var x = psiDrift.Features.GetValueOrDefault("x");
        var xMissing = x is null ? 0 : (long)Math.Round(x.ObservedProportions.GetValueOrDefault("0") * x.N);
        var spcDrift = await client.GetSpcDriftAsync(spc, from, to, ct);
        var spcCounts = spcDrift.Features.ToDictionary(f => f.Key, f => f.Value.Counts.Sum(), StringComparer.Ordinal);
        var customDrift = await client.GetCustomDriftAsync(custom, from, to, 1, ct);
        var customCounts = customDrift.Metrics.ToDictionary(m => m.Key, m => m.Value.Count, StringComparer.Ordinal);
        var customSums = customDrift.Metrics.ToDictionary(m => m.Key, m => (m.Value.Mean ?? 0) * m.Value.Count, StringComparer.Ordinal);
        var llmDrift = await client.GetLlmDriftAsync(llm, from, to, 1, ct);
        var llmRecords = llmDrift.RecordStatus?.Values.Sum() ?? 0;
        return new Stored(psiN, xMissing, spcCounts, customCounts, customSums, llmRecords);
    }
}
