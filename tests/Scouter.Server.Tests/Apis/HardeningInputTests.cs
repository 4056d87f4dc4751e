using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Scouter.Ingestion;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>
/// Inputs no store can take (NUL characters) or no arithmetic can carry (timestamps and limits at the
/// edges) are refused with 400 naming the field, on both stores alike; none answers 5xx.
/// </summary>
public sealed class HardeningInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string code, string field)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    private static StringContent Json(string json) => DataTestServer.Json(json);

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task TokenRequest_WithNulInUsername_IsRefusedNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using var response = await server.Anonymous.PostAsync("auth/token", Json("""{"username":"a\u0000b","password":"whatever-password"}"""), Ct);
        await AssertRefusedAsync(response, "invalid_character", "username");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task RefreshRequest_WithNulInToken_IsRefusedNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using var response = await server.Anonymous.PostAsync("auth/refresh", Json("""{"refresh_token":"\u0000"}"""), Ct);
        await AssertRefusedAsync(response, "invalid_character", "refresh_token");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite, "space")]
    [InlineData(SqlDialect.Sqlite, "name")]
    [InlineData(SqlDialect.Sqlite, "version")]
    [InlineData(SqlDialect.Postgres, "space")]
    [InlineData(SqlDialect.Postgres, "name")]
    [InlineData(SqlDialect.Postgres, "version")]
    internal async Task ProfileRegistration_WithNulInAConfigString_IsRefusedNamingTheField(SqlDialect dialect, string member)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var body = DataTestServer.RegisterBody(TestProfiles.Custom("nul-space"));
        body["profile"]!["config"]![member] = "x\0y";
        using var response = await server.Client.PostAsync("profiles", DataTestServer.Json(body), Ct);
        await AssertRefusedAsync(response, "invalid_character", "profile.config." + member);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task ApiKeyCreation_WithNulInNameOrSpace_IsRefusedNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using (var response = await server.Client.PostAsync("api-keys", Json("""{"name":"k\u0000","spaces":{"a":"read"}}"""), Ct))
            await AssertRefusedAsync(response, "invalid_character", "name");
        using (var response = await server.Client.PostAsync("api-keys", Json("""{"name":"k","spaces":{"a\u0000":"read"}}"""), Ct))
            await AssertRefusedAsync(response, "invalid_character", "spaces");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task UserCreation_WithNulInName_IsRefusedNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using var response = await server.Client.PostAsync("users", Json("""{"name":"u\u0000","password":"long-enough-password"}"""), Ct);
        await AssertRefusedAsync(response, "invalid_character", "name");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task Records_WithNulInAFeatureName_AreRefusedNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var uid = (await server.RegisterAsync(TestProfiles.Custom("nul-records"))).GetProperty("uid").GetGuid();
        var batch = new JsonObject
        {
            ["batch_id"] = Guid.CreateVersion7().ToString(),
            ["records"] = new JsonArray(new JsonObject
            {
                ["type"] = "custom", ["uid"] = uid.ToString(), ["created_at"] = "2026-11-20T11:00:00Z", ["metric"] = "m\0", ["sum"] = 1.0, ["count"] = 1,
            }),
        };
        using var response = await server.Client.PostAsync("records", DataTestServer.Json(batch), Ct);
        await AssertRefusedAsync(response, "invalid_character", "records[0].metric");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task BrokerMessage_WithNulInAFeatureName_IsInvalidNamingTheField(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var uid = (await server.RegisterAsync(TestProfiles.Custom("nul-broker"))).GetProperty("uid").GetGuid();
        var body = $$"""{"batch_id":"{{Guid.CreateVersion7()}}","records":[{"type":"custom","uid":"{{uid}}","created_at":"2026-11-20T11:00:00Z","metric":"m\u0000","sum":1.0,"count":1}]}""";
        var sink = server.App.Services.GetRequiredService<IRecordBatchSink>();

        var result = await sink.IngestAsync(Encoding.UTF8.GetBytes(body), Ct);

        Assert.Equal(RecordSinkStatus.Invalid, result.Status);
        Assert.StartsWith("invalid_character (field records[0].metric)", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite, "profiles?space=%00")]
    [InlineData(SqlDialect.Sqlite, "profiles?name=a%00")]
    [InlineData(SqlDialect.Sqlite, "alerts?space=%00")]
    [InlineData(SqlDialect.Postgres, "profiles?space=%00")]
    [InlineData(SqlDialect.Postgres, "profiles?name=a%00")]
    [InlineData(SqlDialect.Postgres, "alerts?space=%00")]
    internal async Task QueryParameter_WithNul_IsRefusedNamingIt(SqlDialect dialect, string url)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using var response = await server.Client.GetAsync(url, Ct);
        await AssertRefusedAsync(response, "invalid_character", url.Split('?')[1].Split('=')[0]);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task PathWithNul_IsRefusedWith400(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        using var response = await server.Client.GetAsync("users/a%00b", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static DriftProfile ProfileFor(string route) => route switch
    {
        "psi" => TestProfiles.Psi("edge-" + route),
        "spc" => TestProfiles.Spc("edge-" + route),
        "custom" => TestProfiles.Custom("edge-" + route),
        _ => TestProfiles.Llm("edge-" + route),
    };

    [Theory]
    [MemberData(nameof(HardeningInputData.EdgeTimes), MemberType = typeof(HardeningInputData))]
    internal async Task DriftQuery_WithATimeOutsideTheAcceptedRange_IsRefusedNamingTheParameter(SqlDialect dialect, string route, string query, string field)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var uid = (await server.RegisterAsync(ProfileFor(route))).GetProperty("uid").GetGuid();
        using var response = await server.Client.GetAsync($"drift/{route}?uid={uid}&{query}", Ct);
        await AssertRefusedAsync(response, "invalid_query", field);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite, "psi")]
    [InlineData(SqlDialect.Sqlite, "spc")]
    [InlineData(SqlDialect.Sqlite, "custom")]
    [InlineData(SqlDialect.Sqlite, "llm")]
    [InlineData(SqlDialect.Postgres, "psi")]
    [InlineData(SqlDialect.Postgres, "spc")]
    [InlineData(SqlDialect.Postgres, "custom")]
    [InlineData(SqlDialect.Postgres, "llm")]
    internal async Task DriftQuery_AtTheEdgesOfTheAcceptedRange_IsOk(SqlDialect dialect, string route)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var uid = (await server.RegisterAsync(ProfileFor(route))).GetProperty("uid").GetGuid();
        foreach (var query in new[] { "from=1970-01-01T00:00:00Z&to=1970-01-02T00:00:00Z", "from=9998-12-31T00:00:00Z&to=9999-01-01T00:00:00Z" })
        {
            using var response = await server.Client.GetAsync($"drift/{route}?uid={uid}&{query}", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.Postgres)]
    internal async Task AlertAndCheckLists_WithATimeOutsideTheAcceptedRange_AreRefusedNamingTheParameter(SqlDialect dialect)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var uid = (await server.RegisterAsync(TestProfiles.Custom("edge-lists"))).GetProperty("uid").GetGuid();
        using (var response = await server.Client.GetAsync("alerts?from=0001-01-01T00:00:00Z", Ct))
            await AssertRefusedAsync(response, "invalid_query", "from");
        using (var response = await server.Client.GetAsync($"profiles/{uid}/checks?to=9999-12-31T23:59:59Z", Ct))
            await AssertRefusedAsync(response, "invalid_query", "to");
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite, 1e308, 0.0)]
    [InlineData(SqlDialect.Sqlite, 1e307, 1.7e308)]
    [InlineData(SqlDialect.Postgres, 1e308, 0.0)]
    [InlineData(SqlDialect.Postgres, 1e307, 1.7e308)]
    internal async Task SpcProfile_WhoseLimitsOverflow_IsRefusedNamingSigma(SqlDialect dialect, double sigma, double center)
    {
        await using var server = await DataTestServer.StartAsync(dialect);
        var body = DataTestServer.RegisterBody(TestProfiles.Spc("edge-spc"));
        var feature = body["profile"]!["features"]!["x"]!;
        feature["sigma"] = sigma;
        feature["center"] = center;
        using var response = await server.Client.PostAsync("profiles", DataTestServer.Json(body), Ct);
        await AssertRefusedAsync(response, "invalid_profile", "profile.features.x.sigma");
    }
}

/// <summary>Theory data of <see cref="HardeningInputTests"/> (internal: it names the server's dialects).</summary>
internal static class HardeningInputData
{
    public static TheoryData<SqlDialect, string, string, string> EdgeTimes()
    {
        var data = new TheoryData<SqlDialect, string, string, string>();
        foreach (var dialect in new[] { SqlDialect.Sqlite, SqlDialect.Postgres })
        {
            foreach (var route in new[] { "psi", "spc", "custom", "llm" })
            {
                data.Add(dialect, route, "to=0001-01-01T00:00:00Z", "to");
                data.Add(dialect, route, "from=0001-01-01T00:00:00Z", "from");
                data.Add(dialect, route, "from=1969-12-31T23:59:59Z", "from");
                data.Add(dialect, route, "to=9999-12-31T00:00:00Z", "to");
                data.Add(dialect, route, "from=9999-12-30T00:00:00Z", "from");
            }
        }
        return data;
    }
}
