using Microsoft.Extensions.Time.Testing;
using Scouter.Client.Transports;
using Scouter.Data;
using Scouter.Records;
using Xunit;

namespace Scouter.Client.Tests.Queue;

internal static class QueueTestKit
{
    /// <summary>x: numeric 1..10 in 4 quantile bins (edges 3.25, 5.5, 7.75); c: categories a, b, c.</summary>
    public static PsiDriftProfile PsiProfile()
    {
        var table = new ColumnTable.Builder()
            .AddNumeric("x", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
            .AddCategorical("c", ["a", "b", "b", "c", "a", "b", "c", "a", "b", "b"])
            .Build();
        return Drifter.CreatePsiProfile(table, new PsiDriftConfig { Space = "s", Name = "psi", Binning = BinningStrategy.Quantile(4) });
    }

    public static SpcDriftProfile SpcProfile(int sampleSize) => new(
        new SpcDriftConfig { Space = "s", Name = "spc", SampleSize = sampleSize },
        new Dictionary<string, SpcFeatureProfile> { ["a"] = new(0, 1, 10, 0), ["b"] = new(0, 1, 10, 0) });

    public static CustomDriftProfile CustomProfile(int sampleSize) => new(
        new CustomMetricDriftConfig { Space = "s", Name = "custom", SampleSize = sampleSize },
        [new CustomMetric("mae", 1.0), new CustomMetric("rmse", 2.0)]);

    public static LlmDriftProfile LlmProfile(double sampleRate) => new(
        new LlmDriftConfig { Space = "s", Name = "llm", SampleRate = sampleRate },
        [new LlmMetric("relevance", 4, "Score ${response} for ${input}")]);

    public static (ScouterQueue Queue, InMemoryTransport Transport, FakeTimeProvider Time) Create(
        string alias, DriftProfile profile, Action<ScouterQueueOptions>? configure = null)
    {
        var time = new FakeTimeProvider();
        var transport = new InMemoryTransport();
        // One sender: these tests read the transport's batches in the order they were cut.
        var options = new ScouterQueueOptions { TimeProvider = time, RandomSeed = 42, MaxConcurrentSends = 1 };
        configure?.Invoke(options);
        var queue = ScouterQueue.FromProfiles(new Dictionary<string, DriftProfile> { [alias] = profile }, transport, options);
        return (queue, transport, time);
    }

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (condition()) return;
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"Timed out waiting for: {what}");
    }

    public static T[] RecordsOf<T>(InMemoryTransport transport) where T : DriftRecord => [.. transport.Records.OfType<T>()];

    public static RecordBatch Batch(int records) => new()
    {
        BatchId = Guid.CreateVersion7(),
        SentAt = DateTimeOffset.UnixEpoch,
        Records = [.. Enumerable.Range(0, records).Select(i => new CustomRecord { Uid = Guid.Empty, CreatedAt = DateTimeOffset.UnixEpoch, Metric = "m", Sum = i, Count = 1 })],
    };
}
