using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Scouter.Server.Ingestion;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;
using Xunit;

namespace Scouter.Server.Tests.Ingestion;

/// <summary>
/// The ingestion queue is bounded in bytes as well as batches: a batch that would take it over
/// <see cref="ServerOptions.IngestQueueMaxBytes"/> is refused until the writer has finished with what it holds.
/// </summary>
public sealed class IngestQueueTests
{
    private static IngestBatch Batch(int psiRows)
    {
        var batch = new IngestBatch { BatchId = Guid.CreateVersion7(), ReceivedAt = TimeProvider.System.GetUtcNow(), Records = 1 };
        for (var i = 0; i < psiRows; i++) batch.Psi.Add(new PsiCountRow(Guid.Empty, "f", i, TimeProvider.System.GetUtcNow(), 1));
        return batch;
    }

    [Fact]
    public void BatchOverTheByteBound_IsRefused_UntilTheWriterReleasesWhatIsQueued()
    {
        var first = Batch(1_000);
        var second = Batch(1_000);
        using var metrics = new ServerMetrics();
        var queue = new IngestQueue(new ServerOptions { IngestQueueCapacity = 100, IngestQueueMaxBytes = first.EstimatedBytes * 3 / 2 }, metrics);

        Assert.True(queue.TryEnqueue(first, out _));
        Assert.False(queue.TryEnqueue(second, out _));
        Assert.Equal(first.EstimatedBytes, queue.Bytes);
        Assert.True(queue.TryEnqueue(Batch(100), out _), "a batch that still fits is taken");

        Assert.True(queue.Reader.TryRead(out var taken));
        Assert.Equal(first.BatchId, taken.Batch.BatchId);
        Assert.False(queue.TryEnqueue(second, out _), "a batch being stored still counts");
        queue.Release(taken);
        Assert.True(queue.TryEnqueue(second, out _));
    }

    [Fact]
    public void BatchLargerThanTheBound_IsTakenWhenTheQueueIsEmpty_AndNothingElseAlongsideIt()
    {
        using var metrics = new ServerMetrics();
        var queue = new IngestQueue(new ServerOptions { IngestQueueMaxBytes = 1 }, metrics);

        Assert.True(queue.TryEnqueue(Batch(10), out _));
        Assert.False(queue.TryEnqueue(Batch(1), out _));
    }

    [Fact]
    public void EstimatedBytes_GrowWithRowsAndLlmPayloadText()
    {
        var payload = new string('x', 1_000_000);
        var llm = new IngestBatch { BatchId = Guid.CreateVersion7(), ReceivedAt = TimeProvider.System.GetUtcNow(), Records = 1 };
        llm.Llm.Add(new LlmRecordRow(Guid.NewGuid(), Guid.NewGuid(), TimeProvider.System.GetUtcNow(), payload));

        Assert.True(llm.EstimatedBytes >= 2 * payload.Length, "UTF-16 text takes two bytes a character");
        Assert.True(Batch(2_000).EstimatedBytes >= 2 * Batch(1_000).EstimatedBytes);
        Assert.True(Batch(1).EstimatedBytes > 0);
    }

    [Fact]
    public void QueueBytes_AreObservedAsTheGauge_ScouterIngestQueueBytes()
    {
        using var metrics = new ServerMetrics();
        var queue = new IngestQueue(new ServerOptions(), metrics);
        var batch = Batch(12_345);
        Assert.True(queue.TryEnqueue(batch, out _));
        var seen = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServerMetrics.MeterName && instrument.Name == "scouter.ingest.queue_bytes") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => seen.Add(value));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Contains(batch.EstimatedBytes, seen);
    }

    [Fact]
    public void ByteBound_FromTheEnvironment_NamesTheSettingWhenInvalid()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SCOUTER_INGEST_QUEUE_MAX_BYTES"] = "5368709120" }).Build();
        Assert.Equal(5L * 1024 * 1024 * 1024, ServerOptions.FromConfiguration(configuration).IngestQueueMaxBytes);
        Assert.Equal(256L * 1024 * 1024, new ServerOptions().IngestQueueMaxBytes);

        var invalid = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SCOUTER_INGEST_QUEUE_MAX_BYTES"] = "12" }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => { ServerOptions.FromConfiguration(invalid); });
        Assert.Contains("SCOUTER_INGEST_QUEUE_MAX_BYTES", ex.Message, StringComparison.Ordinal);
    }
}
