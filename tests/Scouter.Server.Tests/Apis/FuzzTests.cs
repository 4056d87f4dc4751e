using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// 10,000 randomly mutated valid payloads (seeded, so every run sends the same mutations) against
/// <c>POST /records</c> and <c>POST /profiles</c> of a real SQLite server: never a 5xx, every error a
/// coded problem (400/422 naming the field), and the tables hold exactly the rows of the accepted
/// batches and profiles — a rejected batch leaves nothing behind, a duplicate adds nothing.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Payloads = 10_000;
    private const int RandomSeed = 20_26_11_20;
    private const int Concurrency = 8;
    private const string Space = "fuzz";

    private static readonly string[] Tables = ["psi_counts", "spc_samples", "custom_values", "llm_records"];

    private TestServer _server = null!;
    private Guid _psi;
    private Guid _spc;
    private Guid _custom;
    private Guid _llm;
    private readonly List<Guid> _setupBatches = [];
    private readonly long[] _expectedRows = new long[Tables.Length];
    private long _expectedProfiles;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync(SqlDialect.Sqlite);
        _psi = await RegisterAsync(TestProfiles.Psi(Space, "fz-psi"));
        _spc = await RegisterAsync(TestProfiles.Spc(Space, "fz-spc"));
        _custom = await RegisterAsync(TestProfiles.Custom(Space, "fz-custom"));
        _llm = await RegisterAsync(TestProfiles.Llm(Space, "fz-llm"));
        _expectedProfiles = 4;

        // Accepted batches whose ids the DuplicateBatchId mutation reuses.
        var rng = new Random(RandomSeed - 1);
        var now = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < 20; i++)
        {
            var batch = ValidBatch(rng, now);
            using var response = await _server.Admin.PostAsync("/api/v1/records", Body(Encoding.UTF8.GetBytes(batch.ToJsonString())), Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            _setupBatches.Add(Guid.Parse(batch["batch_id"]!.GetValue<string>(), CultureInfo.InvariantCulture));
            Add(_expectedRows, RowsOf(JsonNode.Parse(batch.ToJsonString())!));
        }
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private sealed record Case(int Index, bool Records, byte[] Body, string Mutations);

    private sealed record Outcome(Case Case, int Status, string? ContentType, string Text);

    [Fact]
    public async Task TenThousandMutatedPayloads_NeverGet5xx_AlwaysGetCodedProblems_AndStoreExactlyTheAcceptedBatches()
    {
        var cases = Generate();
        var outcomes = new Outcome[cases.Length];
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < cases.Length)
            {
                var c = cases[i];
                using var response = await _server.Admin.PostAsync(c.Records ? "/api/v1/records" : "/api/v1/profiles", Body(c.Body), Ct);
                outcomes[i] = new Outcome(c, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Ct));
            }
        }, Ct)));
        var elapsed = clock.Elapsed;

        var failures = new ConcurrentBag<string>();
        var accepted = new List<(Guid BatchId, byte[] Body)>();
        var acceptedIds = new HashSet<Guid>(_setupBatches);
        var duplicates = new List<Guid>();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        {
            var key = (o.Case.Records ? "records " : "profiles ") + o.Status.ToString(CultureInfo.InvariantCulture);
            statuses[key] = statuses.GetValueOrDefault(key) + 1;
            if (Check(o) is { } problem)
            {
                failures.Add($"#{o.Case.Index} [{o.Case.Mutations}] {(o.Case.Records ? "records" : "profiles")} → {o.Status} {Clip(o.Text, 400)} | body: {Clip(Encoding.UTF8.GetString(o.Case.Body), 300)} | {problem}");
                continue;
            }
            if (o.Status is < 200 or >= 300) continue;
            if (!o.Case.Records)
            {
                _expectedProfiles++;
                continue;
            }
            var answer = JsonNode.Parse(o.Text)!;
            var batchId = answer["batch_id"]!.GetValue<Guid>();
            if (answer["duplicate"]!.GetValue<bool>())
            {
                duplicates.Add(batchId);
                continue;
            }
            JsonNode sent;
            long[] rows;
            try
            {
                // Strict, like the server should be: the whole body must be valid UTF-8 JSON.
                if (!System.Text.Unicode.Utf8.IsValid(o.Case.Body)) throw new InvalidOperationException("the body is not valid UTF-8");
                using (JsonDocument.Parse(o.Case.Body)) { }
                sent = JsonNode.Parse(Encoding.UTF8.GetString(o.Case.Body))!;
                // Records the server refused one by one are stored nowhere.
                var stored = sent.DeepClone();
                foreach (var index in answer["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()).OrderDescending()) stored["records"]!.AsArray().RemoveAt(index);
                rows = RowsOf(stored);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                failures.Add($"#{o.Case.Index} [{o.Case.Mutations}] accepted a body that is not valid JSON ({ex.Message}): {Clip(Encoding.UTF8.GetString(o.Case.Body), 600)}");
                continue;
            }
            if (!acceptedIds.Add(batchId)) failures.Add($"#{o.Case.Index} [{o.Case.Mutations}] batch {batchId} stored twice");
            if (sent["records"]!.AsArray().Count != answer["records"]!.GetValue<int>()) failures.Add($"#{o.Case.Index} [{o.Case.Mutations}] record count differs: {o.Text}");
            Add(_expectedRows, rows);
            accepted.Add((batchId, o.Case.Body));
        }
        foreach (var id in duplicates.Where(d => !acceptedIds.Contains(d))) failures.Add($"duplicate answer for batch {id}, which was never accepted");

        var db = _server.Database.Database;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Payloads} payloads in {elapsed.TotalSeconds:F1} s; {accepted.Count} batches stored, {duplicates.Count} duplicates, {_expectedProfiles - 4} profiles registered");
        foreach (var (status, n) in statuses) report.AppendLine(CultureInfo.InvariantCulture, $"  {status}: {n}");
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());

        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, e.g.:\n{string.Join("\n", failures.Take(15))}\n{report}");
        Assert.True(accepted.Count > Payloads / 50, $"too few accepted batches to prove anything:\n{report}");
        Assert.True(_expectedProfiles - 4 > Payloads / 50, $"too few registered profiles to prove anything:\n{report}");
        await AssertStoredAsync(db, acceptedIds.Count);

        // Accepted batches sent again verbatim are duplicates and add no rows.
        foreach (var (batchId, body) in accepted.Take(25))
        {
            using var again = await _server.Admin.PostAsync("/api/v1/records", Body(body), Ct);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            var answer = JsonNode.Parse(await again.Content.ReadAsStringAsync(Ct))!;
            Assert.True(answer["duplicate"]!.GetValue<bool>(), $"batch {batchId} resent: {answer}");
        }
        await AssertStoredAsync(db, acceptedIds.Count);
    }

    // Regressions the fuzz found, pinned as examples.

    [Fact]
    public async Task Ingest_RecordWithoutType_Is400NamingTheRecord_Not500()
    {
        var batch = ValidBatch(new Random(1), TimeProvider.System.GetUtcNow());
        batch["records"]![0]!.AsObject().Remove("type");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(Encoding.UTF8.GetBytes(batch.ToJsonString())), Ct);

        await AssertProblemAsync(response, "invalid_json", "records[0]");
    }

    [Fact]
    public async Task Register_ProfileWithoutDriftType_Is400NamingTheProfile_Not500()
    {
        var body = new JsonObject { ["profile"] = JsonNode.Parse(TestProfiles.Spc(Space, "no-type").ToJson()), ["bump"] = true };
        body["profile"]!.AsObject().Remove("drift_type");

        using var response = await _server.Admin.PostAsync("/api/v1/profiles", Body(Encoding.UTF8.GetBytes(body.ToJsonString())), Ct);

        await AssertProblemAsync(response, "invalid_json", "profile");
    }

    [Fact]
    public async Task Ingest_BodyWithInvalidUtf8InAPropertyName_Is400_AndStoresNothing()
    {
        var batch = ValidBatch(new Random(2), TimeProvider.System.GetUtcNow());
        // An extra property whose name holds 0xC3 0x28: a UTF-8 lead byte without its continuation.
        byte[] body = [.. "{\"x"u8.ToArray(), 0xC3, 0x28, .. "\":1,"u8.ToArray(), .. Encoding.UTF8.GetBytes(batch.ToJsonString()[1..])];
        var before = await Seed.CountAsync(_server.Database.Database, "select count(*) from ingested_batches");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(body), Ct);

        await AssertProblemAsync(response, "invalid_json", "body");
        Assert.Equal(before, await Seed.CountAsync(_server.Database.Database, "select count(*) from ingested_batches"));
    }

    [Theory]
    [InlineData("{\"1\": 27, \"01\": 7}")]
    [InlineData("{\"1\": 27, \"1\": 7}")]
    public async Task Ingest_BinIdGivenTwice_Is400NamingTheBinCounts_NotLastWins(string binCounts)
    {
        var batch = ValidBatch(new Random(3), TimeProvider.System.GetUtcNow());
        var psi = new JsonObject
        {
            ["type"] = "psi", ["uid"] = _psi.ToString(), ["created_at"] = batch["sent_at"]!.DeepClone(), ["feature"] = "age", ["bin_counts"] = "BINS",
        };
        batch["records"] = new JsonArray(psi);
        var json = batch.ToJsonString().Replace("\"BINS\"", binCounts, StringComparison.Ordinal);
        var before = await Seed.CountAsync(_server.Database.Database, "select count(*) from psi_counts");

        using var response = await _server.Admin.PostAsync("/api/v1/records", Body(Encoding.UTF8.GetBytes(json)), Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("invalid_json", problem.GetProperty("code").GetString());
        Assert.StartsWith("records[0].bin_counts", problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await Seed.CountAsync(_server.Database.Database, "select count(*) from psi_counts"));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string code, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private async Task AssertStoredAsync(ScouterDatabase db, long batches)
    {
        for (var t = 0; t < Tables.Length; t++)
        {
            var actual = await Seed.CountAsync(db, $"select count(*) from {Tables[t]}");
            Assert.True(_expectedRows[t] == actual, $"{Tables[t]}: expected {_expectedRows[t]} rows, found {actual}");
        }
        Assert.Equal(batches, await Seed.CountAsync(db, "select count(*) from ingested_batches"));
        Assert.Equal(_expectedProfiles, await Seed.CountAsync(db, "select count(*) from profiles"));
    }

    /// <summary>What is wrong with an answer, or null.</summary>
    private static string? Check(Outcome o)
    {
        if (o.Status >= 500) return "5xx";
        if (o.Status is >= 200 and < 300)
        {
            var expected = o.Case.Records ? 202 : 201;
            return o.Status == expected ? null : $"expected {expected} for success";
        }
        if (o.ContentType != "application/problem+json") return $"content type {o.ContentType}";
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(o.Text).RootElement;
        }
        catch (JsonException)
        {
            return "problem is not JSON";
        }
        if (problem.ValueKind != JsonValueKind.Object || !problem.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || code.GetString() is not { Length: > 0 })
            return "no code";
        var allowed = o.Case.Records ? new[] { 400, 413, 429 } : [400, 409, 413, 422];
        if (!allowed.Contains(o.Status)) return "unexpected status";
        if (o.Status is 400 or 422
            && (!problem.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(field.GetString())))
            return "no field";
        return null;
    }

    private Case[] Generate()
    {
        var rng = new Random(RandomSeed);
        var now = TimeProvider.System.GetUtcNow();
        var mutator = new JsonMutator(rng, _setupBatches, [_psi, _spc, _custom, _llm]);
        var profiles = new[] { TestProfiles.Psi(Space), TestProfiles.Spc(Space), (DriftProfile)TestProfiles.Custom(Space), TestProfiles.Llm(Space) }
            .Select(p => p.ToJson()).ToArray();
        var cases = new Case[Payloads];
        for (var i = 0; i < Payloads; i++)
        {
            var records = rng.Next(3) > 0;
            JsonNode valid;
            if (records)
            {
                valid = ValidBatch(rng, now);
            }
            else
            {
                var profile = JsonNode.Parse(profiles[rng.Next(profiles.Length)])!;
                profile["config"]!["name"] = "fz-" + i.ToString(CultureInfo.InvariantCulture);
                // Same bytes every run (the client-side uid and creation time are otherwise random / now).
                profile["config"]!["uid"] = NewGuid(rng).ToString();
                profile["created_at"] = "2026-01-01T00:00:00+00:00";
                valid = new JsonObject { ["profile"] = profile, ["set_active"] = false, ["bump"] = true };
            }
            var (body, mutations) = mutator.Mutate(valid, records);
            cases[i] = new Case(i, records, body, mutations);
        }
        return cases;
    }

    /// <summary>A valid batch of 1-4 records: one profile type, or a mix.</summary>
    private JsonObject ValidBatch(Random rng, DateTimeOffset now)
    {
        var records = new JsonArray();
        var mixed = rng.Next(4) == 0;
        var type = rng.Next(4);
        for (int n = rng.Next(1, 5), i = 0; i < n; i++)
        {
            var at = (now - TimeSpan.FromSeconds(rng.Next(60, 36_000))).ToString("O", CultureInfo.InvariantCulture);
            records.Add((mixed ? rng.Next(4) : type) switch
            {
                0 => new JsonObject
                {
                    ["type"] = "psi", ["uid"] = _psi.ToString(), ["created_at"] = at, ["feature"] = rng.Next(2) == 0 ? "age" : "color",
                    ["bin_counts"] = new JsonObject { ["0"] = rng.Next(0, 3), ["1"] = rng.Next(1, 50), ["2"] = rng.Next(0, 50) },
                },
                1 => new JsonObject { ["type"] = "spc", ["uid"] = _spc.ToString(), ["created_at"] = at, ["feature"] = "x", ["mean"] = 8 + (rng.NextDouble() * 4), ["count"] = rng.Next(1, 50) },
                2 => new JsonObject
                {
                    ["type"] = "custom", ["uid"] = _custom.ToString(), ["created_at"] = at, ["metric"] = rng.Next(2) == 0 ? "mae" : "acc",
                    ["sum"] = rng.NextDouble() * 10, ["count"] = rng.Next(1, 20),
                },
                _ => new JsonObject
                {
                    ["type"] = "llm", ["uid"] = _llm.ToString(), ["created_at"] = at, ["record_id"] = NewGuid(rng).ToString(),
                    ["input"] = "question " + rng.Next(1000).ToString(CultureInfo.InvariantCulture), ["response"] = "answer",
                    ["prompt"] = null, ["context"] = new JsonObject { ["k"] = rng.Next(100) },
                },
            });
        }
        return new JsonObject
        {
            ["batch_id"] = NewGuid(rng).ToString(),
            ["sent_at"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["records"] = records,
        };
    }

    /// <summary>Rows a stored batch adds per table: PSI one per positive bin count, the others one per record.</summary>
    private static long[] RowsOf(JsonNode batch)
    {
        var rows = new long[Tables.Length];
        foreach (var record in batch["records"]!.AsArray())
        {
            switch (record!["type"]!.GetValue<string>())
            {
                case "psi": rows[0] += record["bin_counts"]!.AsObject().Count(kv => kv.Value!.GetValue<long>() > 0); break;
                case "spc": rows[1]++; break;
                case "custom": rows[2]++; break;
                default: rows[3]++; break;
            }
        }
        return rows;
    }

    private static void Add(long[] total, long[] rows)
    {
        for (var i = 0; i < total.Length; i++) total[i] += rows[i];
    }

    private async Task<Guid> RegisterAsync(DriftProfile profile)
    {
        var body = new JsonObject { ["profile"] = JsonNode.Parse(profile.ToJson()), ["set_active"] = false, ["bump"] = false };
        using var response = await _server.Admin.PostAsync("/api/v1/profiles", Body(Encoding.UTF8.GetBytes(body.ToJsonString())), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["uid"]!.GetValue<Guid>();
    }

    private static ByteArrayContent Body(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static Guid NewGuid(Random rng)
    {
        var bytes = new byte[16];
        rng.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
