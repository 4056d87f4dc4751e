using System.Net;
using System.Text.Json.Nodes;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>The ingestion fast path expects discriminators first; other orders must still be accepted.</summary>
public sealed class RecordsJsonOrderTests
{
    [Fact]
    public async Task Ingest_TypeAfterOtherProperties_IsStillAccepted()
    {
        await using var server = await TestServer.StartAsync(SqlDialect.Sqlite);
        var ct = TestContext.Current.CancellationToken;
        var profile = new CustomDriftProfile(new CustomMetricDriftConfig { Space = "order", Name = "m" }, [new CustomMetric("mae", 1)]);
        // drift_type last in the profile too: registration reads with the same fallback.
        var profileJson = JsonNode.Parse(profile.ToJson())!.AsObject();
        profileJson.Remove("drift_type");
        profileJson.Add("drift_type", "custom");
        var register = await server.Admin.PostAsync("/api/v1/profiles",
            new StringContent(new JsonObject { ["profile"] = profileJson, ["set_active"] = true }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var uid = (string)JsonNode.Parse(await register.Content.ReadAsStringAsync(ct))!["uid"]!;

        var batch = $$"""
            {"records":[{"uid":"{{uid}}","created_at":"2026-11-20T11:00:00Z","metric":"mae","sum":4,"count":2,"type":"custom"}],
             "sent_at":"2026-11-20T11:00:00Z","batch_id":"{{Guid.CreateVersion7()}}"}
            """;
        var response = await server.Admin.PostAsync("/api/v1/records", new StringContent(batch, System.Text.Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["records"]!);
    }
}
