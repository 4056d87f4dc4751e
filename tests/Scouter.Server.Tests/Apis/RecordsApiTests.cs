using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>Registers one profile of each drift type in one space for the records tests.</summary>
public sealed class RecordsFixture : ServerFixture
{
    public string Space { get; } = "rec" + Guid.NewGuid().ToString("N")[..8];

    public Guid Psi { get; private set; }

    public Guid Spc { get; private set; }

    public Guid Custom { get; private set; }

    public Guid Llm { get; private set; }

    public async Task EnsureProfilesAsync()
    {
        if (Psi != Guid.Empty) return;
        Psi = (await Server.RegisterAsync(TestProfiles.Psi(Space))).GetProperty("uid").GetGuid();
        Spc = (await Server.RegisterAsync(TestProfiles.Spc(Space))).GetProperty("uid").GetGuid();
        Custom = (await Server.RegisterAsync(TestProfiles.Custom(Space))).GetProperty("uid").GetGuid();
        Llm = (await Server.RegisterAsync(TestProfiles.Llm(Space))).GetProperty("uid").GetGuid();
    }
}

public sealed class RecordsApiTests(RecordsFixture fixture) : IClassFixture<RecordsFixture>
{
    private static readonly DateTimeOffset At = DataTestServer.Start.AddMinutes(-10);

    private HttpClient Client => fixture.Server.Client;

    private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A valid batch with one record of each type (psi, spc, custom, llm at indexes 0..3).</summary>
    private JsonObject ValidBatch() => new()
    {
        ["batch_id"] = Guid.CreateVersion7().ToString(),
        ["sent_at"] = Time(At),
        ["records"] = new JsonArray(
            new JsonObject { ["type"] = "psi", ["uid"] = fixture.Psi.ToString(), ["created_at"] = Time(At), ["feature"] = "age", ["bin_counts"] = new JsonObject { ["0"] = 1, ["1"] = 2, ["3"] = 3 } },
            new JsonObject { ["type"] = "spc", ["uid"] = fixture.Spc.ToString(), ["created_at"] = Time(At), ["feature"] = "x", ["mean"] = 10.2, ["count"] = 25 },
            new JsonObject { ["type"] = "custom", ["uid"] = fixture.Custom.ToString(), ["created_at"] = Time(At), ["metric"] = "mae", ["sum"] = 3.5, ["count"] = 5 },
            new JsonObject { ["type"] = "llm", ["uid"] = fixture.Llm.ToString(), ["created_at"] = Time(At), ["record_id"] = Guid.CreateVersion7().ToString(), ["input"] = "q", ["response"] = "a", ["prompt"] = null, ["context"] = new JsonObject { ["k"] = "v" } }),
    };

    private async Task<long> CountAsync(string table, Guid uid)
    {
        var db = fixture.Server.Db.Database;
        await using var connection = await db.OpenAsync(TestContext.Current.CancellationToken);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, $"select count(*) from {(table == "psi_counts" ? Scouter.Server.Storage.RecordSql.PsiRows(db.Dialect) : table)} where uid = @uid", new { uid = db.Id(uid) });
    }

    [Fact]
    public async Task Ingest_ValidBatch_Is202AfterCommit_AndADuplicateIsStoredOnce()
    {
        await fixture.EnsureProfilesAsync();
        var batch = ValidBatch();
        var before = await CountAsync("psi_counts", fixture.Psi);

        using var first = await Client.PostAsync("records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var body = await DataTestServer.ReadAsync(first);
        Assert.Equal(4, body.GetProperty("records").GetInt32());
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(before + 3, await CountAsync("psi_counts", fixture.Psi));

        using var second = await Client.PostAsync("records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.True((await DataTestServer.ReadAsync(second)).GetProperty("duplicate").GetBoolean());
        Assert.Equal(before + 3, await CountAsync("psi_counts", fixture.Psi));
    }

    /// <summary>Problems of the batch as a whole (record-level problems are refused per record: Ingestion/PartialRejectionTests).</summary>
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "empty_batch_id", "invalid_record_batch", "batch_id" },
        { "no_records", "invalid_record_batch", "records" },
        { "too_many", "too_many_records", "records" },
        { "null_record", "invalid_record", "records[2]" },
        { "bad_bin_key", "invalid_json", "records[0].bin_counts" },
        { "string_count", "invalid_json", "records[0].bin_counts.1" },
        { "unknown_type", "invalid_json", "records[1]" },
        { "missing_uid", "invalid_json", "records[1]" },
        { "records_not_array", "invalid_json", "records" },
        { "bad_uid", "invalid_json", "records[1].uid" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Ingest_InvalidBatch_Is400NamingTheField_AndStoresNothing(string mutation, string code, string field)
    {
        await fixture.EnsureProfilesAsync();
        var batch = ValidBatch();
        var records = batch["records"]!.AsArray();
        JsonObject R(int i) => records[i]!.AsObject();
        switch (mutation)
        {
            case "empty_batch_id": batch["batch_id"] = Guid.Empty.ToString(); break;
            case "no_records": records.Clear(); break;
            case "too_many":
                for (var i = 0; i < 10_000; i++) records.Add(R(1).DeepClone());
                break;
            case "null_record": records[2] = null; break;
            case "bad_bin_key": R(0)["bin_counts"]!["x"] = 1; break;
            case "string_count": R(0)["bin_counts"]!["1"] = "2"; break;
            case "unknown_type": R(1)["type"] = "weird"; break;
            case "missing_uid": R(1).Remove("uid"); break;
            case "records_not_array": batch["records"] = 5; break;
            case "bad_uid": R(1)["uid"] = "not-a-uuid"; break;
        }
        var psiBefore = await CountAsync("psi_counts", fixture.Psi);

        using var response = await Client.PostAsync("records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await DataTestServer.ReadAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.StartsWith(field, problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Equal(psiBefore, await CountAsync("psi_counts", fixture.Psi));
    }

    [Fact]
    public async Task Ingest_UnseenBinOnCategoricalFeature_IsAccepted()
    {
        await fixture.EnsureProfilesAsync();
        var batch = ValidBatch();
        batch["records"]![0]!["feature"] = "color";
        batch["records"]![0]!["bin_counts"] = new JsonObject { ["-1"] = 2, ["2"] = 1 };

        using var response = await Client.PostAsync("records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_WithoutWriteRole_Or_WithoutAnyRole_Is403NamingTheUid()
    {
        await fixture.EnsureProfilesAsync();

        var reader = await fixture.Server.ApiKeyClientAsync((fixture.Space, SpaceRole.Read));
        using var forbidden = await reader.PostAsync("records", DataTestServer.Json(ValidBatch()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("records[0].uid", (await DataTestServer.ReadAsync(forbidden)).GetProperty("field").GetString());

        var stranger = await fixture.Server.ApiKeyClientAsync(("elsewhere", SpaceRole.Write));
        using var otherSpace = await stranger.PostAsync("records", DataTestServer.Json(ValidBatch()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, otherSpace.StatusCode);
        var problem = await DataTestServer.ReadAsync(otherSpace);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
        Assert.Equal("records[0].uid", problem.GetProperty("field").GetString());

        using var unauthorized = await fixture.Server.Anonymous.PostAsync("records", DataTestServer.Json(ValidBatch()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Theory]
    [InlineData("records", (16 * 1024 * 1024) + 1024)]
    [InlineData("records", 50_000_000)]
    [InlineData("profiles", 50_000_000)]
    public async Task Ingest_BodyOverTheLimit_Is413Problem(string route, int bytes)
    {
        var big = new byte[bytes];
        Array.Fill(big, (byte)' ');
        using var content = new ByteArrayContent(big);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        // Expect: 100-continue lets the server refuse before the client streams 16 MiB into a closing socket.
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = content };
        request.Headers.ExpectContinue = true;

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await DataTestServer.ReadAsync(response)).GetProperty("code").GetString());
    }
}

/// <summary>429 when the queue is full: capacity 1 and a store whose writes wait for the test.</summary>
public sealed class RecordsBackpressureTests
{
    private sealed class GatedRecordStore(IRecordStore inner) : IRecordStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IngestOutcome> IngestAsync(IngestBatch batch, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task;
            return await inner.IngestAsync(batch, cancellationToken);
        }

        public async Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default)
        {
            Entered.TrySetResult();
            await Release.Task;
            return await inner.IngestManyAsync(batches, cancellationToken);
        }

        public Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default) => inner.FindBatchAsync(batchId, cancellationToken);

        public Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.PsiCountsAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature, CancellationToken cancellationToken = default) => inner.SpcSamplesAsync(uid, from, to, limit, feature, cancellationToken);
        public Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.CustomValuesAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.LlmScoresAsync(uid, window, cancellationToken);
        public Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis = LlmStatusAxis.Created, CancellationToken cancellationToken = default) => inner.LlmStatusCountsAsync(uid, window, axis, cancellationToken);
        public Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PurgeAsync(cutoff, cancellationToken);
        public Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PurgeRollupsAsync(cutoff, cancellationToken);
        public Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.PsiFeatureCountsAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.SpcStatsAsync(uid, window, cancellationToken);
        public IAsyncEnumerable<SpcSampleRow> StreamSpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) => inner.StreamSpcSamplesAsync(uid, from, to, cancellationToken);
        public Task<long> LlmPendingCountAsync(Guid uid, DateTimeOffset createdBefore, CancellationToken cancellationToken = default) => inner.LlmPendingCountAsync(uid, createdBefore, cancellationToken);
    }

    private sealed class BrokenRecordStore(IRecordStore inner) : IRecordStore
    {
        public Task<IngestOutcome> IngestAsync(IngestBatch batch, CancellationToken cancellationToken = default) => throw new InvalidOperationException("database down");
        public Task<IReadOnlyList<IngestOutcome>> IngestManyAsync(IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken = default) => throw new InvalidOperationException("database down");
        public Task<IngestedBatch?> FindBatchAsync(Guid batchId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("database down");
        public Task<IReadOnlyList<PsiBucketCount>> PsiCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.PsiCountsAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<SpcSampleRow>> SpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, int limit, string? feature, CancellationToken cancellationToken = default) => inner.SpcSamplesAsync(uid, from, to, limit, feature, cancellationToken);
        public Task<IReadOnlyList<MetricBucket>> CustomValuesAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.CustomValuesAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<MetricBucket>> LlmScoresAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.LlmScoresAsync(uid, window, cancellationToken);
        public Task<IReadOnlyDictionary<string, long>> LlmStatusCountsAsync(Guid uid, TimeWindow window, LlmStatusAxis axis = LlmStatusAxis.Created, CancellationToken cancellationToken = default) => inner.LlmStatusCountsAsync(uid, window, axis, cancellationToken);
        public Task<RetentionResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PurgeAsync(cutoff, cancellationToken);
        public Task<long> PurgeRollupsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => inner.PurgeRollupsAsync(cutoff, cancellationToken);
        public Task<Dictionary<string, Dictionary<int, double>?[]>> PsiFeatureCountsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.PsiFeatureCountsAsync(uid, window, cancellationToken);
        public Task<IReadOnlyList<SpcBucketStats>> SpcStatsAsync(Guid uid, TimeWindow window, CancellationToken cancellationToken = default) => inner.SpcStatsAsync(uid, window, cancellationToken);
        public IAsyncEnumerable<SpcSampleRow> StreamSpcSamplesAsync(Guid uid, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) => inner.StreamSpcSamplesAsync(uid, from, to, cancellationToken);
        public Task<long> LlmPendingCountAsync(Guid uid, DateTimeOffset createdBefore, CancellationToken cancellationToken = default) => inner.LlmPendingCountAsync(uid, createdBefore, cancellationToken);
    }

    [Fact]
    public async Task Ingest_StoreFailure_Is503WithRetryAfter()
    {
        await using var server = await DataTestServer.StartAsync(services: s =>
            s.AddSingleton<IRecordStore>(sp => new BrokenRecordStore(sp.GetRequiredService<SqlRecordStore>())));
        var uid = (await server.RegisterAsync(TestProfiles.Custom("broken"))).GetProperty("uid").GetGuid();
        var batch = $$"""
            {"batch_id":"{{Guid.CreateVersion7()}}","sent_at":"2026-11-20T11:00:00Z","records":[
              {"type":"custom","uid":"{{uid}}","created_at":"2026-11-20T11:00:00Z","metric":"mae","sum":1,"count":1}]}
            """;

        using var response = await server.Client.PostAsync("records", DataTestServer.Json(batch), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("storage_unavailable", (await DataTestServer.ReadAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Ingest_QueueFull_Is429WithRetryAfter_AndStoresNothingForThatBatch()
    {
        GatedRecordStore? gate = null;
        await using var server = await DataTestServer.StartAsync(configure: o => o.IngestQueueCapacity = 1, services: s =>
            s.AddSingleton<IRecordStore>(sp => gate = new GatedRecordStore(sp.GetRequiredService<SqlRecordStore>())));
        var uid = (await server.RegisterAsync(TestProfiles.Custom("bp"))).GetProperty("uid").GetGuid();
        string Batch() => $$"""
            {"batch_id":"{{Guid.CreateVersion7()}}","sent_at":"2026-11-20T11:00:00Z","records":[
              {"type":"custom","uid":"{{uid}}","created_at":"2026-11-20T11:00:00Z","metric":"mae","sum":1,"count":1}]}
            """;
        var ct = TestContext.Current.CancellationToken;

        var writing = server.Client.PostAsync("records", DataTestServer.Json(Batch()), ct);
        await gate!.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var queued = server.Client.PostAsync("records", DataTestServer.Json(Batch()), ct);
        var depth = server.App.Services.GetRequiredService<Scouter.Server.Ingestion.IngestQueue>();
        while (depth.Depth < 1) await Task.Delay(10, ct);
        var overloadedBatch = Batch();
        using var overloaded = await server.Client.PostAsync("records", DataTestServer.Json(overloadedBatch), ct);

        Assert.Equal((HttpStatusCode)429, overloaded.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), overloaded.Headers.RetryAfter!.Delta);
        Assert.Equal("ingest_queue_full", (await DataTestServer.ReadAsync(overloaded)).GetProperty("code").GetString());
        gate.Release.SetResult();
        Assert.Equal(HttpStatusCode.Accepted, (await writing).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await queued).StatusCode);
        var db = server.Db.Database;
        await using var connection = await db.OpenAsync(ct);
        Assert.Equal(2, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "select count(*) from custom_values where uid = @uid", new { uid = db.Id(uid) }));
        var storedIds = await Dapper.SqlMapper.QueryAsync<string>(connection, "select batch_id from ingested_batches");
        Assert.DoesNotContain(JsonDocument.Parse(overloadedBatch).RootElement.GetProperty("batch_id").GetString(), storedIds);
    }

    [Fact]
    public async Task Ingest_QueueOverItsByteBound_Is429IngestQueueFull_ThenAcceptedOnceTheWriterIsDone()
    {
        GatedRecordStore? gate = null;
        // Room for 256 batches but 1 byte: the batch being written fills it.
        await using var server = await DataTestServer.StartAsync(configure: o => o.IngestQueueMaxBytes = 1, services: s =>
            s.AddSingleton<IRecordStore>(sp => gate = new GatedRecordStore(sp.GetRequiredService<SqlRecordStore>())));
        var uid = (await server.RegisterAsync(TestProfiles.Custom("bytes"))).GetProperty("uid").GetGuid();
        string Batch() => $$"""
            {"batch_id":"{{Guid.CreateVersion7()}}","sent_at":"2026-11-20T11:00:00Z","records":[
              {"type":"custom","uid":"{{uid}}","created_at":"2026-11-20T11:00:00Z","metric":"mae","sum":1,"count":1}]}
            """;
        var ct = TestContext.Current.CancellationToken;

        var writing = server.Client.PostAsync("records", DataTestServer.Json(Batch()), ct);
        await gate!.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        // Answered at once, not after the write: a refusal never waits for room.
        using var overloaded = await server.Client.PostAsync("records", DataTestServer.Json(Batch()), ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal((HttpStatusCode)429, overloaded.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), overloaded.Headers.RetryAfter!.Delta);
        Assert.Equal("ingest_queue_full", (await DataTestServer.ReadAsync(overloaded)).GetProperty("code").GetString());
        gate.Release.SetResult();
        Assert.Equal(HttpStatusCode.Accepted, (await writing).StatusCode);
        using var after = await server.Client.PostAsync("records", DataTestServer.Json(Batch()), ct);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.Equal(0, server.App.Services.GetRequiredService<Scouter.Server.Ingestion.IngestQueue>().Bytes);
    }
}
