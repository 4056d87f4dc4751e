using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Ingestion;
using Scouter.Records;
using Scouter.Serialization;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Ingestion;

/// <summary>The sink the broker consumers feed: message bodies in, the four answers out.</summary>
public sealed class PipelineRecordSinkTests
{
    private static byte[] Json(RecordBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, ScouterJsonContext.Default.RecordBatch);

    private static RecordBatch PsiBatch(Guid uid) => new()
    {
        BatchId = Guid.CreateVersion7(),
        SentAt = TimeProvider.System.GetUtcNow(),
        Records = [new PsiRecord { Uid = uid, CreatedAt = TimeProvider.System.GetUtcNow(), Feature = "age", BinCounts = new Dictionary<int, long> { [1] = 4 } }],
    };

    [Fact]
    public async Task ValidBatch_IsStored_AndTheSameBodyAgainIsADuplicate()
    {
        await using var server = await TestServer.StartAsync();
        var uid = await Seed.ProfileAsync(server.Database.Database, TestProfiles.Psi("v"), null);
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();
        var body = Json(PsiBatch(uid));

        var first = await sink.IngestAsync(body, TestContext.Current.CancellationToken);
        var second = await sink.IngestAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal((RecordSinkStatus.Stored, 1), (first.Status, first.Records));
        Assert.Equal((RecordSinkStatus.Duplicate, 1), (second.Status, second.Records));
        Assert.True(first.IsStored && second.IsStored);
    }

    [Theory]
    [InlineData("not json at all", "invalid_json (field body)")]
    [InlineData("{\"batch_id\":\"0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\",\"sent_at\":\"2026-11-22T10:00:00Z\",\"records\":[]}", "invalid_record_batch (field records)")]
    [InlineData("{\"batch_id\":\"0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\",\"records\":[{\"uid\":\"0193a3f4-5c6d-7e8f-9a0b-1c2d3e4f5a6b\"}]}", "invalid_json (field records[0])")]
    public async Task UndecodableOrEmptyBody_IsInvalid_NamingTheField(string body, string expectedPrefix)
    {
        await using var server = await TestServer.StartAsync();
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();

        var result = await sink.IngestAsync(Encoding.UTF8.GetBytes(body), TestContext.Current.CancellationToken);

        Assert.Equal(RecordSinkStatus.Invalid, result.Status);
        Assert.StartsWith(expectedPrefix, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheServersLimit_IsInvalidUnread_WithTheSizeAndTheLimit()
    {
        await using var server = await TestServer.StartAsync(configure: o => o.MaxRequestBodyBytes = 4096);
        var uid = await Seed.ProfileAsync(server.Database.Database, TestProfiles.Psi("big"), null);
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();
        // A valid batch padded with whitespace: only its size is wrong.
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Json(PsiBatch(uid))).PadRight(4097));

        var result = await sink.IngestAsync(body, TestContext.Current.CancellationToken);
        var atLimit = await sink.IngestAsync(body.AsMemory(0, 4096), TestContext.Current.CancellationToken);

        Assert.Equal(RecordSinkStatus.Invalid, result.Status);
        Assert.Equal("payload_too_large (field body): 4097 bytes exceeds 4096", result.Error);
        Assert.Equal(RecordSinkStatus.Stored, atLimit.Status);
    }

    [Fact]
    public async Task UnknownProfile_IsInvalid_NamingTheRecord()
    {
        await using var server = await TestServer.StartAsync();
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();

        var result = await sink.IngestAsync(Json(PsiBatch(Guid.CreateVersion7())), TestContext.Current.CancellationToken);

        Assert.Equal(RecordSinkStatus.Invalid, result.Status);
        Assert.StartsWith("unknown_profile (field records[0].uid)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisteredSource_RunsWithTheSink_AndIsStoppedWithTheServer()
    {
        var source = new ProbeSource();
        var server = await TestServer.StartAsync(services: s => s.AddSingleton<IRecordSource>(source));
        await source.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Same(server.App.Services.GetRequiredService<IRecordBatchSink>(), source.Sink);

        await server.DisposeAsync();

        Assert.True(source.Stopped, "the source's token was not cancelled on shutdown");
    }

    private sealed class ProbeSource : IRecordSource
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IRecordBatchSink? Sink { get; private set; }

        public bool Stopped { get; private set; }

        public string Name => "probe";

        public async Task RunAsync(IRecordBatchSink sink, CancellationToken stoppingToken)
        {
            Sink = sink;
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                Stopped = true;
            }
        }
    }
}
