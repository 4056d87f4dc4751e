using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary><c>/llm/records</c>: listing by status and page, a record with its scores, and retrying a failed one, on both stores.</summary>
public sealed class LlmRecordsApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task List_FiltersByStatus_PagesNewestFirst_AndCounts(SqlDialect dialect)
    {
        var (server, uid) = await StartAsync(dialect);
        await using var _ = server;
        var failed = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0, "failed", error: "judge_output_invalid"))[0];
        var older = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0.AddSeconds(-2), "pending"))[0];
        var newer = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0.AddSeconds(-1), "pending"))[0];
        var reader = await server.CreateUserClientAsync("reader", TestServer.Grants(("team", SpaceRole.Read)));

        var pending = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/llm/records?uid={uid}&status=pending&page_size=1&page=2", Ct);
        var all = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/llm/records?uid={uid}", Ct);

        Assert.Equal(2, pending.GetProperty("total").GetInt64());
        Assert.Equal([older], Ids(pending));
        Assert.Equal([failed, newer, older], Ids(all));
        var first = all.GetProperty("items")[0];
        Assert.Equal(("failed", 3, "judge_output_invalid"), (first.GetProperty("status").GetString(), first.GetProperty("attempts").GetInt32(), first.GetProperty("error").GetString()));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Get_ReturnsThePayloadAndEveryScoreWithItsReason(SqlDialect dialect)
    {
        var (server, uid) = await StartAsync(dialect);
        await using var _ = server;
        var id = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0, "done"))[0];
        var store = new LlmEvaluationStore(server.Database.Database);
        var leased = new LeasedLlmRecord(id, uid, T0, "{}", 0, new HashSet<string>());
        await store.SaveScoresAsync(leased, [new LlmScore("relevance", 4, "on topic"), new LlmScore("has_answer", 1, null)], T0.AddMinutes(1), Ct);

        var detail = await server.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/llm/records/{id}", Ct);

        Assert.Equal(id, detail.GetProperty("record").GetProperty("id").GetGuid());
        Assert.Equal("what is 2+2?", detail.GetProperty("payload").GetProperty("input").GetString());
        var scores = detail.GetProperty("scores").EnumerateArray()
            .Select(s => (s.GetProperty("metric").GetString(), s.GetProperty("score").GetDouble(), s.GetProperty("reason").ValueKind == JsonValueKind.Null ? null : s.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal([("has_answer", 1.0, null), ("relevance", 4.0, "on topic")], scores);
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task Retry_MakesAFailedRecordPendingAgain_KeepingItsScores_AndRefusesOthers(SqlDialect dialect)
    {
        var (server, uid) = await StartAsync(dialect);
        await using var _ = server;
        var failed = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0, "failed", error: "judge_unavailable: http 503"))[0];
        var pending = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0, "pending"))[0];
        var store = new LlmEvaluationStore(server.Database.Database);
        await store.SaveScoresAsync(new LeasedLlmRecord(failed, uid, T0, "{}", 3, new HashSet<string>()), [new LlmScore("has_answer", 1, null)], T0, Ct);
        var writer = await server.CreateUserClientAsync("writer", TestServer.Grants(("team", SpaceRole.Write)));

        using var retried = await writer.PostAsync($"/api/v1/llm/records/{failed}/retry", null, Ct);
        using var again = await writer.PostAsync($"/api/v1/llm/records/{failed}/retry", null, Ct);
        using var notFailed = await writer.PostAsync($"/api/v1/llm/records/{pending}/retry", null, Ct);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var record = (await retried.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("record");
        Assert.Equal(("pending", 0, JsonValueKind.Null), (record.GetProperty("status").GetString(), record.GetProperty("attempts").GetInt32(), record.GetProperty("error").ValueKind));
        // The server's own worker may hold the record for a lease (its judge is not configured); a claim after any lease takes it.
        var afterAnyLease = server.App.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(1);
        Assert.Equal(failed, Assert.Single(await store.ClaimAsync("w", afterAnyLease, TimeSpan.FromMinutes(1), 10, Ct), r => r.Id == failed).Id);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("record_not_failed", (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
        Assert.Equal(1, await Seed.CountAsync(server.Database.Database, "select count(*) from llm_scores"));
    }

    [Theory]
    [MemberData(nameof(Stores.Both), MemberType = typeof(Stores))]
    internal async Task BadQueries_AreCodedProblemsNamingTheField_AndOtherSpacesAreForbidden(SqlDialect dialect)
    {
        var (server, uid) = await StartAsync(dialect);
        await using var _ = server;
        var id = (await Seed.LlmRecordsAsync(server.Database.Database, uid, T0, "pending"))[0];
        var outsider = await server.CreateUserClientAsync("outsider", TestServer.Grants(("elsewhere", SpaceRole.Admin)));

        await AssertProblemAsync(server.Admin, "/api/v1/llm/records", HttpStatusCode.BadRequest, "invalid_query", "uid");
        await AssertProblemAsync(server.Admin, $"/api/v1/llm/records?uid={uid}&status=processing", HttpStatusCode.BadRequest, "invalid_query", "status");
        await AssertProblemAsync(server.Admin, $"/api/v1/llm/records?uid={uid}&page_size=501", HttpStatusCode.BadRequest, "invalid_query", "page_size");
        await AssertProblemAsync(server.Admin, $"/api/v1/llm/records/{Guid.NewGuid()}", HttpStatusCode.NotFound, "llm_record_not_found", null);
        await AssertProblemAsync(server.Admin, "/api/v1/llm/records/not-a-uuid", HttpStatusCode.NotFound, "llm_record_not_found", null);
        await AssertProblemAsync(outsider, $"/api/v1/llm/records?uid={uid}", HttpStatusCode.Forbidden, "forbidden", null);
        await AssertProblemAsync(outsider, $"/api/v1/llm/records/{id}", HttpStatusCode.Forbidden, "forbidden", null);
    }

    private static async Task AssertProblemAsync(HttpClient client, string path, HttpStatusCode status, string code, string? field)
    {
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];

    /// <summary>A server with one LLM profile in space "team" (not scheduled).</summary>
    private static async Task<(TestServer Server, Guid Uid)> StartAsync(SqlDialect dialect)
    {
        var server = await TestServer.StartAsync(dialect);
        return (server, await Seed.ProfileAsync(server.Database.Database, Seed.Llm("p"), nextRun: null));
    }
}
