using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Scouter.Ingestion;
using Scouter.Kafka;
using Scouter.Testing;
using Xunit;

namespace Scouter.IntegrationTests.Kafka;

/// <summary>Two record sources in one group on the mock cluster, driven directly (no server).</summary>
public sealed class KafkaRebalanceTests
{
    [Fact]
    public async Task PartitionsPausedDuringASlowStore_MovedAwayAndBack_AreConsumedAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new KafkaMockCluster();
        var topic = KafkaTestSupport.CreateTopic(cluster, "pause");
        var group = KafkaTestSupport.UniqueName("group");
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        async Task ProduceAsync(int from, int to)
        {
            for (var i = from; i < to; i++) await producer.ProduceAsync(topic, new Message<string, string> { Key = $"key{i}", Value = $"m{i}" }, ct);
        }

        var slow = new RecordingSink(holdFirst: true);
        var other = new RecordingSink(holdFirst: false);
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        await ProduceAsync(0, 40); // 40 keys: every one of the topic's 4 partitions gets messages
        var first = new KafkaRecordSource(KafkaTestSupport.ShortSessionConfig(cluster, topic, group)).RunAsync(slow, stopFirst.Token);

        // The first member owns every partition and holds its first batch: after a second it pauses them all.
        await slow.FirstHeld.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        // A second member joins: the partitions are shared while the first member's store is still running.
        var second = new KafkaRecordSource(KafkaTestSupport.ShortSessionConfig(cluster, topic, group)).RunAsync(other, stopSecond.Token);
        await WaitUntilAsync(() => !other.Seen.IsEmpty, "the second member consumed", ct);
        slow.Release();
        await WaitUntilAsync(() => Enumerable.Range(0, 40).All(i => slow.Seen.ContainsKey($"m{i}") || other.Seen.ContainsKey($"m{i}")), "the first 40 messages", ct);

        // The second member leaves; its partitions, paused in the first member since the slow store, return to it.
        await stopSecond.CancelAsync();
        await second;
        await ProduceAsync(40, 80);
        await WaitUntilAsync(() => Enumerable.Range(40, 40).All(i => slow.Seen.ContainsKey($"m{i}")), "the first member consumed every later message", ct);

        await stopFirst.CancelAsync();
        await first;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(45); waited += TimeSpan.FromMilliseconds(50))
        {
            if (condition()) return;
            await Task.Delay(50, ct);
        }
        Assert.Fail($"timed out waiting for: {what}");
    }

    /// <summary>Records message bodies as stored; optionally holds the first call until <see cref="Release"/>.</summary>
    private sealed class RecordingSink(bool holdFirst) : IRecordBatchSink
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public ConcurrentDictionary<string, bool> Seen { get; } = new();

        public Task FirstHeld => _held.Task;

        public void Release() => _release.TrySetResult();

        public async Task<RecordSinkResult> IngestAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        {
            if (holdFirst && Interlocked.Increment(ref _calls) == 1)
            {
                _held.TrySetResult();
                await _release.Task;
            }
            Seen[Encoding.UTF8.GetString(body.Span)] = true;
            return new RecordSinkResult(RecordSinkStatus.Stored, 1);
        }
    }
}
