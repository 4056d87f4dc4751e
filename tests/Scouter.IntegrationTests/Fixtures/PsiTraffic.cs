using System.Globalization;
using Scouter.Client;
using Scouter.Client.Transports;
using Scouter.Data;
using Xunit;

namespace Scouter.IntegrationTests.Fixtures;

/// <summary>
/// The end-to-end scenario every broker runs: a PSI profile registered from training data, live
/// traffic that has clearly drifted inserted through a <see cref="ScouterQueue"/> over the broker's
/// transport, stored counts read back through the server API, a drift check, and its alert.
/// </summary>
public static class PsiTraffic
{
    /// <summary>The profile's features.</summary>
    public static readonly string[] FeatureNames = ["age", "income"];

    // 100 shapes, reused (Features is immutable), all far from the training distribution.
    private static readonly Features[] Drifted = [.. Enumerable.Range(0, 100).Select(i => new Features(
        new Dictionary<string, object?> { ["age"] = 70.0 + (i % 10), ["income"] = 150.0 + (i % 25) }))];

    /// <summary>
    /// Midnight of 29 February: no scheduled check runs during a test. With the default daily schedule,
    /// a run that spans midnight UTC had its records checked by the midnight slot before they were stored,
    /// and the test's manual check, which covers only the time after that slot, found none.
    /// </summary>
    private const string ManualChecksOnly = "0 0 0 29 2 *";

    /// <summary>Builds a PSI profile from 5 000 training rows and registers it as the active version in <paramref name="space"/>.</summary>
    public static async Task<DriftProfile> RegisterProfileAsync(ScouterClient admin, string space, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var age = new double[5_000];
        var income = new double[5_000];
        for (var i = 0; i < age.Length; i++)
        {
            age[i] = 20 + ((i * 37) % 45);
            income[i] = 30 + ((i * 53) % 90);
        }
        var profile = Drifter.CreatePsiProfile(ColumnTable.FromColumns(new Dictionary<string, double[]> { ["age"] = age, ["income"] = income }),
            new PsiDriftConfig { Space = space, Name = "model", Version = "1.0.0", AlertConfig = new PsiAlertConfig { Schedule = ManualChecksOnly } }, null, ct);
        return await admin.RegisterProfileAsync<DriftProfile>(profile, setActive: true, cancellationToken: ct);
    }

    /// <summary>Queue settings for the scenario: room for every insert, quick retries.</summary>
    public static ScouterQueueOptions QueueOptions() => new()
    {
        ChannelCapacity = 250_000,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(2),
        ShutdownTimeout = TimeSpan.FromSeconds(120),
        RandomSeed = 1,
    };

    /// <summary>A queue for <paramref name="profile"/> under the alias <c>psi</c>.</summary>
    public static ScouterQueue Queue(DriftProfile profile, IRecordTransport transport, ScouterQueueOptions? options = null) =>
        ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { ["psi"] = profile }, transport, options ?? QueueOptions());

    /// <summary>Inserts <paramref name="count"/> drifted rows as fast as the caller can.</summary>
    public static void Insert(ScouterQueue queue, int count)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var psi = queue["psi"];
        for (var i = 0; i < count; i++) psi.Insert(Drifted[i % Drifted.Length]);
    }

    /// <summary>Inserts <paramref name="count"/> drifted rows at about <paramref name="perSecond"/>, so that faults can be injected mid-stream.</summary>
    public static async Task InsertPacedAsync(ScouterQueue queue, int count, int perSecond, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var psi = queue["psi"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            psi.Insert(Drifted[i % Drifted.Length]);
            if (i % 500 == 499)
            {
                var ahead = TimeSpan.FromSeconds((i + 1) / (double)perSecond) - clock.Elapsed;
                if (ahead > TimeSpan.Zero) await Task.Delay(ahead, ct);
            }
        }
    }

    /// <summary>Asserts the queue delivered everything: all inserted, nothing dropped, nothing left buffered.</summary>
    public static void AssertDelivered(ScouterQueueStatistics stats, long inserted)
    {
        ArgumentNullException.ThrowIfNull(stats);
        Assert.Equal(inserted, stats.Inserted);
        Assert.DoesNotContain(stats.Dropped, d => d.Value.Items > 0 || d.Value.Batches > 0);
        Assert.Equal(0, stats.Buffered);
    }

    /// <summary>
    /// Waits until the server has stored <paramref name="expected"/> rows for every feature of
    /// <paramref name="uid"/> (the broker consumer runs asynchronously), then waits
    /// <paramref name="settle"/> more and asserts the count is still exactly that: a redelivered
    /// batch stored twice would push it over.
    /// </summary>
    public static async Task AssertStoredExactlyAsync(ScouterClient client, Guid uid, long expected, TimeSpan timeout, CancellationToken ct,
        TimeSpan? settle = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        IReadOnlyDictionary<string, long> counts;
        while (true)
        {
            counts = await StoredCountsAsync(client, uid, ct);
            if (counts.Values.Any(n => n > expected)) break;
            if (counts.Count == FeatureNames.Length && counts.Values.All(n => n == expected)) break;
            if (TimeProvider.System.GetUtcNow() > deadline) break;
            await Task.Delay(250, ct);
        }
        await Task.Delay(settle ?? TimeSpan.FromSeconds(2), ct);
        counts = await StoredCountsAsync(client, uid, ct);
        foreach (var feature in FeatureNames)
        {
            Assert.True(counts.TryGetValue(feature, out var n), $"nothing stored for feature {feature}");
            Assert.True(n == expected, string.Create(CultureInfo.InvariantCulture, $"feature {feature}: stored {n}, inserted {expected}"));
        }
    }

    /// <summary>Stored rows per feature of <paramref name="uid"/> over the last day, from the drift API.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> StoredCountsAsync(ScouterClient client, Guid uid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = TimeProvider.System.GetUtcNow();
        var drift = await client.GetPsiDriftAsync(uid, now.AddDays(-1), now.AddMinutes(5), 1, ct);
        return drift.Features.ToDictionary(f => f.Key, f => f.Value.N);
    }

    /// <summary>Runs the drift check of <paramref name="uid"/> and asserts it raised an alert for every (drifted) feature.</summary>
    public static async Task AssertDriftAlertAsync(ScouterClient client, Guid uid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        await client.RunDriftCheckAsync(uid, ct);
        var alerts = await client.GetAlertsAsync(new AlertQuery { Uid = uid, PageSize = 100 }, ct);
        var features = alerts.Items.Select(a => a.FeatureOrMetric).ToHashSet(StringComparer.Ordinal);
        foreach (var feature in FeatureNames) Assert.Contains(feature, features);
    }
}
