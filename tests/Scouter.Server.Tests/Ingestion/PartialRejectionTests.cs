using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scouter.Ingestion;
using Scouter.Records;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Telemetry;
using Scouter.Server.Tests.Fixtures;
using Xunit;
using static Scouter.Server.Tests.Fixtures.IngestServerFixture;

namespace Scouter.Server.Tests.Ingestion;

/// <summary>
/// Per-record rejection over HTTP: a batch stores its valid records and answers 202 with the
/// receipt listing the others; a batch with no valid record is a 400 listing them all; a retry gets
/// the same answer and stores nothing twice. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class PartialRejectionTests(IngestServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>(index, code, field) of every rejected record of a receipt or problem.</summary>
    private static List<(int, string, string)> Rejections(JsonElement body) =>
        [.. body.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("code").GetString()!, r.GetProperty("field").GetString()!))];

    [Fact]
    public async Task MixedBatch_StoresExactlyTheValidRecords_AndARetryGetsTheSameReceiptStoringNothingTwice()
    {
        var psi = await fixture.NewProfileAsync(DriftType.Psi);
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        var batch = Batch(
            Psi(psi, "age", new JsonObject { ["1"] = 5, ["2"] = 3 }),
            Psi(psi, "age", new JsonObject { ["7"] = 1 }),
            Custom(custom, "mae", 6.0, 4),
            Custom(Guid.CreateVersion7(), "mae", 1.0, 1),
            Custom(custom, "mae", 100.0, 0),
            Psi(psi, "age", new JsonObject { ["1"] = 2 }));
        List<(int, string, string)> expected =
        [
            (1, "unknown_bin", "records[1].bin_counts.7"),
            (3, "unknown_profile", "records[3].uid"),
            (4, "count_out_of_range", "records[4].count"),
        ];

        var (status, receipt) = await PostAsync(fixture.Writer, batch);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(batch["batch_id"]!.GetValue<string>(), receipt.GetProperty("batch_id").GetString());
        Assert.Equal((6, 3, false), (receipt.GetProperty("records").GetInt32(), receipt.GetProperty("stored").GetInt32(), receipt.GetProperty("duplicate").GetBoolean()));
        Assert.Equal(expected, Rejections(receipt));
        Assert.All(receipt.GetProperty("rejected").EnumerateArray(), r => Assert.False(string.IsNullOrEmpty(r.GetProperty("detail").GetString())));
        await AssertStoredAsync(psi, custom);

        var (again, retry) = await PostAsync(fixture.Writer, batch);

        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal((6, 3, true), (retry.GetProperty("records").GetInt32(), retry.GetProperty("stored").GetInt32(), retry.GetProperty("duplicate").GetBoolean()));
        Assert.Equal(receipt.GetProperty("rejected").GetRawText(), retry.GetProperty("rejected").GetRawText());
        await AssertStoredAsync(psi, custom);
    }

    /// <summary>Only records 0 and 5 (PSI: bin 1 = 7, bin 2 = 3) and record 2 (custom: sum 6 over 4) are stored.</summary>
    private async Task AssertStoredAsync(Guid psi, Guid custom)
    {
        var (psiStatus, psiDrift) = await fixture.DriftAsync("psi", psi);
        Assert.Equal(HttpStatusCode.OK, psiStatus);
        var age = psiDrift.GetProperty("features").GetProperty("age");
        Assert.Equal(10, age.GetProperty("n").GetInt64());
        var observed = age.GetProperty("observed_proportions");
        Assert.Equal((0.7, 0.3), (observed.GetProperty("1").GetDouble(), observed.GetProperty("2").GetDouble()));
        var (customStatus, customDrift) = await fixture.DriftAsync("custom", custom);
        Assert.Equal(HttpStatusCode.OK, customStatus);
        var mae = customDrift.GetProperty("metrics").GetProperty("mae");
        Assert.Equal((4, 1.5), (mae.GetProperty("count").GetInt64(), mae.GetProperty("mean").GetDouble()));
    }

    public static TheoryData<string, int, string, string> InvalidRecords => new()
    {
        { "unknown_uid", 1, "unknown_profile", "records[1].uid" },
        { "type_mismatch", 1, "type_mismatch", "records[1].type" },
        { "unknown_feature", 0, "unknown_feature", "records[0].feature" },
        { "unknown_bin", 0, "unknown_bin", "records[0].bin_counts.7" },
        { "unseen_on_numeric", 0, "unknown_bin", "records[0].bin_counts.-1" },
        { "negative_count", 0, "count_out_of_range", "records[0].bin_counts.1" },
        { "bin_count_too_large", 0, "count_out_of_range", "records[0].bin_counts.1" },
        { "all_zero", 0, "no_observations", "records[0].bin_counts" },
        { "spc_unknown_feature", 1, "unknown_feature", "records[1].feature" },
        { "spc_count", 1, "count_out_of_range", "records[1].count" },
        { "spc_mean", 1, "value_out_of_range", "records[1].mean" },
        { "custom_unknown_metric", 2, "unknown_metric", "records[2].metric" },
        { "custom_count", 2, "count_out_of_range", "records[2].count" },
        { "custom_sum", 2, "value_out_of_range", "records[2].sum" },
        { "llm_record_id", 3, "invalid_record", "records[3].record_id" },
        { "llm_payload", 3, "payload_too_large", "records[3]" },
        { "too_old", 2, "created_at_out_of_range", "records[2].created_at" },
        { "future", 0, "created_at_out_of_range", "records[0].created_at" },
    };

    [Theory]
    [MemberData(nameof(InvalidRecords))]
    public async Task OneInvalidRecord_Is202_RejectingItAlone_AndStoringTheOthers(string mutation, int index, string code, string field)
    {
        var (psi, spc, custom, llm) = (await fixture.NewProfileAsync(DriftType.Psi), await fixture.NewProfileAsync(DriftType.Spc),
            await fixture.NewProfileAsync(DriftType.Custom), await fixture.NewProfileAsync(DriftType.Llm));
        JsonObject[] records =
        [
            Psi(psi, "age", new JsonObject { ["0"] = 1, ["1"] = 2, ["3"] = 3 }),
            Spc(spc, "x", 10.2, 25),
            Custom(custom, "mae", 3.5, 5),
            Llm(llm),
        ];
        var r = records[index];
        switch (mutation)
        {
            case "unknown_uid": r["uid"] = Guid.NewGuid().ToString(); break;
            case "type_mismatch": r["uid"] = psi.ToString(); break;
            case "unknown_feature": r["feature"] = "nope"; break;
            case "unknown_bin": r["bin_counts"]!["7"] = 1; break;
            case "unseen_on_numeric": r["bin_counts"]!["-1"] = 1; break;
            case "negative_count": r["bin_counts"]!["1"] = -1; break;
            case "bin_count_too_large": r["bin_counts"]!["1"] = RecordLimits.MaxCount + 1; break;
            case "all_zero": r["bin_counts"] = new JsonObject { ["1"] = 0 }; break;
            case "spc_unknown_feature": r["feature"] = "age"; break;
            case "spc_count": r["count"] = 0; break;
            case "spc_mean": r["mean"] = 1e101; break;
            case "custom_unknown_metric": r["metric"] = "rmse"; break;
            case "custom_count": r["count"] = 0; break;
            case "custom_sum": r["sum"] = 1e308; break;
            case "llm_record_id": r["record_id"] = Guid.Empty.ToString(); break;
            case "llm_payload": r["input"] = new string('x', 300 * 1024); break;
            case "too_old": r["created_at"] = Time(TimeProvider.System.GetUtcNow().AddDays(-61)); break;
            case "future": r["created_at"] = Time(TimeProvider.System.GetUtcNow().AddDays(1.5)); break;
        }

        var (status, receipt) = await PostAsync(fixture.Writer, Batch(records));

        Assert.True(status == HttpStatusCode.Accepted, receipt.GetRawText());
        Assert.Equal((4, 3), (receipt.GetProperty("records").GetInt32(), receipt.GetProperty("stored").GetInt32()));
        Assert.Equal([(index, code, field)], Rejections(receipt));
    }

    [Fact]
    public async Task BatchWithNoValidRecord_Is400WithTheFirstProblem_ListsEveryRecord_AndDoesNotUseUpItsBatchId()
    {
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        var batch = Batch(Custom(custom, "rmse", 1.0, 1), Custom(custom, "mae", 1.0, long.MaxValue), Custom(Guid.CreateVersion7(), "mae", 1.0, 1));

        var (status, problem) = await PostAsync(fixture.Writer, batch);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("unknown_metric", "records[0].metric"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        Assert.Equal([(0, "unknown_metric", "records[0].metric"), (1, "count_out_of_range", "records[1].count"), (2, "unknown_profile", "records[2].uid")],
            Rejections(problem));
        Assert.Equal(0, (await fixture.DriftAsync("custom", custom)).Body.GetProperty("metrics").GetProperty("mae").GetProperty("count").GetInt64());

        // Nothing was stored under the id: the corrected batch is stored, not answered as a duplicate.
        batch["records"] = new JsonArray(Custom(custom, "mae", 2.0, 1));
        var (fixedStatus, receipt) = await PostAsync(fixture.Writer, batch);
        Assert.Equal(HttpStatusCode.Accepted, fixedStatus);
        Assert.Equal((1, false), (receipt.GetProperty("stored").GetInt32(), receipt.GetProperty("duplicate").GetBoolean()));
    }

    [Fact]
    public async Task ProfileTheCallerMayNotWrite_Is403ForTheWholeBatch_AndStoresNothing()
    {
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        var elsewhere = await RegisterAsync(fixture.Server, TestProfiles.Custom("other" + Guid.NewGuid().ToString("N")[..8]));

        var (status, problem) = await PostAsync(fixture.Writer, Batch(Custom(custom, "mae", 1.0, 1), Custom(elsewhere, "mae", 1.0, 1)));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(("forbidden", "records[1].uid"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        Assert.Equal(0, (await fixture.DriftAsync("custom", custom)).Body.GetProperty("metrics").GetProperty("mae").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ConcurrentMixedBatches_ThroughTheGroupCommit_EachStoreTheirValidRecords()
    {
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        const int Batches = 24;

        var answers = await Task.WhenAll(Enumerable.Range(0, Batches).Select(i =>
            PostAsync(fixture.Writer, Batch(Custom(custom, "nope", 1.0, 1), Custom(custom, "mae", i, 1)))));

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.Accepted, a.Status);
            Assert.Equal(1, a.Body.GetProperty("stored").GetInt32());
            Assert.Equal([(0, "unknown_metric", "records[0].metric")], Rejections(a.Body));
        });
        var mae = (await fixture.DriftAsync("custom", custom)).Body.GetProperty("metrics").GetProperty("mae");
        Assert.Equal((Batches, (Batches - 1) / 2.0), (mae.GetProperty("count").GetInt64(), mae.GetProperty("mean").GetDouble()));
    }

    [Fact]
    public async Task RejectedRecords_AreCountedByCode_InTheServerMetrics()
    {
        var counter = fixture.Server.App.Services.GetRequiredService<ServerMetrics>().RecordsRejected;
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, counter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (counts)
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "code") counts[(string)tag.Value!] = counts.GetValueOrDefault((string)tag.Value!) + value;
                }
            }
        });
        listener.Start();
        var custom = await fixture.NewProfileAsync(DriftType.Custom);
        var batch = Batch(Custom(custom, "mae", 1.0, 1), Custom(custom, "nope", 1.0, 1), Custom(custom, "nope", 1.0, 1), Custom(custom, "mae", 1.0, 0));

        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(fixture.Writer, batch)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(fixture.Writer, batch)).Status); // a duplicate: not counted again

        lock (counts)
        {
            Assert.Equal(new Dictionary<string, long> { ["unknown_metric"] = 2, ["count_out_of_range"] = 1 }, counts);
        }
    }

    [Fact]
    public async Task OpenApiDocument_DescribesThe202AsTheReceiptWithRejectedRecords()
    {
        using var client = fixture.Server.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;

        var accepted = document["paths"]!["/api/v1/records"]!["post"]!["responses"]!["202"]!["content"]!["application/json"]!["schema"]!;
        var name = accepted["$ref"]!.GetValue<string>().Split('/')[^1];
        var properties = document["components"]!["schemas"]![name]!["properties"]!.AsObject();
        Assert.Equal(["batch_id", "records", "stored", "duplicate", "rejected"], properties.Select(p => p.Key));
        var item = properties["rejected"]!["items"]!;
        var itemProperties = (item["$ref"] is { } itemRef ? document["components"]!["schemas"]![itemRef.GetValue<string>().Split('/')[^1]]! : item)["properties"]!.AsObject();
        Assert.Equal(["index", "code", "field", "detail"], itemProperties.Select(p => p.Key));
    }
}

public sealed class SqlitePartialRejectionTests(SqliteIngestServerFixture fixture) : PartialRejectionTests(fixture), IClassFixture<SqliteIngestServerFixture>;

public sealed class PostgresPartialRejectionTests(PostgresIngestServerFixture fixture) : PartialRejectionTests(fixture), IClassFixture<PostgresIngestServerFixture>;

/// <summary>
/// A stored batch whose records have all become invalid since (here: older than the retention) is
/// still answered as the duplicate it is, with the first answer, not refused.
/// </summary>
public sealed class RetriedBatchTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task RetryOfAStoredBatch_WhoseRecordsNoLongerValidate_GetsTheFirstReceipt(SqlDialect dialect)
    {
        var time = new FakeTimeProvider(DataTestServer.Start);
        await using var server = await TestServer.StartAsync(dialect, services: s => s.AddSingleton<TimeProvider>(time));
        var space = "retry" + Guid.NewGuid().ToString("N")[..8];
        var writer = await server.CreateApiKeyClientAsync(TestServer.Grants((space, SpaceRole.Write)));
        var custom = await RegisterAsync(server, TestProfiles.Custom(space));
        var old = Custom(custom, "mae", 1.0, 1);
        old["created_at"] = Time(time.GetUtcNow().AddDays(-59.9));
        var batch = Batch(old, Custom(custom, "rmse", 1.0, 1));
        var (status, first) = await PostAsync(writer, batch);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, first.GetProperty("stored").GetInt32());

        time.Advance(TimeSpan.FromHours(6)); // record 0 is now older than the 60-day retention; the batch id is not yet pruned
        var (again, retry) = await PostAsync(writer, batch);

        Assert.True(again == HttpStatusCode.Accepted, retry.GetRawText());
        Assert.Equal((1, true), (retry.GetProperty("stored").GetInt32(), retry.GetProperty("duplicate").GetBoolean()));
        Assert.Equal(first.GetProperty("rejected").GetRawText(), retry.GetProperty("rejected").GetRawText());
    }
}

/// <summary>The broker consumers' sink: stored with the rejected records and their dead-letter body, a duplicate offering it again, invalid when nothing is valid.</summary>
public sealed class PartialRejectionSinkTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task MixedBody_IsStored_WithTheRejectedRecordsAndADeadLetterBatchOfThem_AndARedeliveryIsADuplicateOfferingTheSameDeadLetter(SqlDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect);
        var custom = await RegisterAsync(server, TestProfiles.Custom("sink" + Guid.NewGuid().ToString("N")[..8]));
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();
        var unknown = Guid.CreateVersion7();
        var batch = Batch(Custom(custom, "mae", 2.0, 1), Custom(custom, "rmse", 3.0, 1), Custom(custom, "acc", 0.5, 2), Custom(unknown, "mae", 4.0, 1));
        var body = System.Text.Encoding.UTF8.GetBytes(batch.ToJsonString());

        var result = await sink.IngestAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal((RecordSinkStatus.Stored, 4), (result.Status, result.Records));
        Assert.Equal([(1, "unknown_metric", "records[1].metric"), (3, "unknown_profile", "records[3].uid")], result.Rejected.Select(r => (r.Index, r.Code, r.Field)));
        var dead = JsonNode.Parse(result.DeadLetter.Span)!;
        Assert.Equal(batch["batch_id"]!.GetValue<string>(), dead["batch_id"]!.GetValue<string>());
        var deadRecords = dead["records"]!.AsArray();
        Assert.Equal(["rmse", "mae"], deadRecords.Select(r => r!["metric"]!.GetValue<string>()));
        Assert.Equal([custom.ToString(), unknown.ToString()], deadRecords.Select(r => r!["uid"]!.GetValue<string>()));
        Assert.Equal([3.0, 4.0], deadRecords.Select(r => r!["sum"]!.GetValue<double>()));
        var deadRejected = dead["rejected"]!.AsArray();
        Assert.Equal([(1, "unknown_metric", "records[1].metric"), (3, "unknown_profile", "records[3].uid")],
            deadRejected.Select(r => (r!["index"]!.GetValue<int>(), r["code"]!.GetValue<string>(), r["field"]!.GetValue<string>())));
        Assert.All(deadRejected, r => Assert.False(string.IsNullOrEmpty(r!["detail"]!.GetValue<string>())));
        // The dead-letter body is itself a record batch a consumer could replay once the records are fixed.
        Assert.Equal(2, JsonSerializer.Deserialize<RecordBatch>(result.DeadLetter.Span, Scouter.Server.Apis.ApiJson.Options)!.Records.Count);

        var redelivered = await sink.IngestAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal(RecordSinkStatus.Duplicate, redelivered.Status);
        // The first dead letter may never have been written (consumer stopped): the redelivery offers it again.
        Assert.Equal(result.DeadLetter.ToArray(), redelivered.DeadLetter.ToArray());
        Assert.Equal(result.Rejected, redelivered.Rejected);
        var stored = await Seed.CountAsync(server.Database.Database, "select count(*) from custom_values");
        Assert.Equal(2, stored);
    }

    [Fact]
    public async Task BodyWithNoValidRecord_IsInvalid_WithTheFirstProblem_AndNoPartialDeadLetter()
    {
        await using var server = await TestServer.StartAsync();
        var custom = await RegisterAsync(server, TestProfiles.Custom("sink" + Guid.NewGuid().ToString("N")[..8]));
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();

        var result = await sink.IngestAsync(System.Text.Encoding.UTF8.GetBytes(Batch(Custom(custom, "mae", 1.0, 0), Custom(custom, "rmse", 1.0, 1)).ToJsonString()),
            TestContext.Current.CancellationToken);

        Assert.Equal(RecordSinkStatus.Invalid, result.Status);
        Assert.StartsWith("count_out_of_range (field records[0].count)", result.Error, StringComparison.Ordinal);
        Assert.True(result.DeadLetter.IsEmpty);
    }
}

/// <summary>The store keeps a batch's rejected records with its id, also through the group commit, on both dialects.</summary>
public sealed class IngestedBatchStoreTests
{
    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task GroupCommit_StoresEachBatchsRejectedRecords_AndFindBatchReturnsThem(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new SqlRecordStore(db.Database, NullLogger<SqlRecordStore>.Instance);
        var now = DataTestServer.Start;
        var uid = Guid.CreateVersion7();
        IngestBatch Make(Guid id, params RejectedRecord[] rejected)
        {
            var b = new IngestBatch { BatchId = id, ReceivedAt = now, Records = 1 + rejected.Length };
            b.Custom.Add(new CustomValueRow(uid, "mae", now, 1.0, 1));
            b.Rejected.AddRange(rejected);
            return b;
        }
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        RejectedRecord[] rejectedOfA = [new(1, "unknown_metric", "records[1].metric", "The profile has no metric 'x'."), new(2, "count_out_of_range", "records[2].count", "count must be …")];

        var outcomes = await store.IngestManyAsync([Make(a, rejectedOfA), Make(a), Make(b)], TestContext.Current.CancellationToken);

        Assert.Equal([IngestOutcome.Stored, IngestOutcome.Duplicate, IngestOutcome.Stored], outcomes);
        var foundA = await store.FindBatchAsync(a, TestContext.Current.CancellationToken);
        Assert.Equal((3, 1), (foundA!.Records, foundA.Stored));
        Assert.Equal(rejectedOfA, foundA.Rejected);
        var foundB = await store.FindBatchAsync(b, TestContext.Current.CancellationToken);
        Assert.Equal((1, 1), (foundB!.Records, foundB.Stored));
        Assert.Empty(foundB.Rejected);
        Assert.Null(await store.FindBatchAsync(Guid.CreateVersion7(), TestContext.Current.CancellationToken));
        Assert.Equal(2, await Seed.CountAsync(db.Database, "select count(*) from custom_values"));
    }
}
