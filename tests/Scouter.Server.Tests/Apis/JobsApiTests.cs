using System.Net;
using System.Text.Json;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

public sealed class JobsApiTests : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> _users = new(StringComparer.Ordinal);
    private TestServer _server = null!;

    private TestDatabase _db => _server.Database;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(SqlDialect.Sqlite);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A user holding exactly <paramref name="grants"/> (<c>space=role,...</c>), created once per grant set.</summary>
    private async Task<HttpClient> UserAsync(string grants)
    {
        if (_users.TryGetValue(grants, out var client)) return client;
        var parsed = grants.Split(',').Select(g => Scouter.Server.Auth.SpaceAccess.ParseGrant(g.Trim())).ToDictionary(g => g.Space, g => g.Role!.Value);
        client = await _server.CreateUserClientAsync("user" + _users.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), parsed);
        _users[grants] = client;
        return client;
    }

    private async Task<Guid> ProfileWithDriftAsync()
    {
        // next_run null: the background runner leaves it alone; the test drives it through the API.
        var uid = await Seed.ProfileAsync(_db.Database, Seed.Custom("api", baseline: 10), nextRun: null);
        // Recent: the first check reads one schedule period or 24 h back from now.
        await Seed.CustomAsync(_db.Database, uid, "accuracy", TimeProvider.System.GetUtcNow().AddMinutes(-1), 4, 1);
        return uid;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? grants = null)
    {
        using var request = new HttpRequestMessage(method, path);
        var client = grants is null ? _server.Admin : await UserAsync(grants);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Run_Checks_Alerts_Acknowledge_EndToEnd()
    {
        var uid = await ProfileWithDriftAsync();

        var run = await SendAsync(HttpMethod.Post, $"/api/v1/profiles/{uid}/run");
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var result = await JsonAsync(run);
        Assert.Equal("manual", result.GetProperty("trigger").GetString());
        Assert.Equal(4.0, result.GetProperty("metrics").GetProperty("accuracy").GetProperty("observed").GetDouble());
        Assert.Equal(1, result.GetProperty("alerts_opened").GetInt32());

        var checks = await JsonAsync(await SendAsync(HttpMethod.Get, $"/api/v1/profiles/{uid}/checks"));
        var check = Assert.Single(checks.EnumerateArray());
        Assert.Equal("manual", check.GetProperty("trigger").GetString());
        Assert.Equal("api:admin", check.GetProperty("runner").GetString());
        Assert.Equal("alert", check.GetProperty("result").GetProperty("metrics").GetProperty("accuracy").GetProperty("decision").GetString());
        Assert.Null((await Seed.ScheduleStateAsync(_db.Database, uid)).LastCheckedSlot); // a manual run does not move the schedule

        var page = await JsonAsync(await SendAsync(HttpMethod.Get, $"/api/v1/alerts?uid={uid}&status=firing"));
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        var alert = page.GetProperty("items")[0];
        Assert.Equal("accuracy", alert.GetProperty("feature_or_metric").GetString());
        var id = alert.GetProperty("id").GetInt64();

        var ack = await SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/acknowledge");
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var acked = await JsonAsync(ack);
        Assert.Equal("acknowledged", acked.GetProperty("status").GetString());
        Assert.Equal("admin", acked.GetProperty("acknowledged_by").GetString());
        Assert.Equal(JsonValueKind.Null, acked.GetProperty("notify_pending").ValueKind);

        // Running again finds it again: still one alert, still acknowledged.
        await SendAsync(HttpMethod.Post, $"/api/v1/profiles/{uid}/run");
        page = await JsonAsync(await SendAsync(HttpMethod.Get, "/api/v1/alerts"));
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        Assert.Equal("acknowledged", page.GetProperty("items")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("POST", "/api/v1/profiles/8b0e7c1e-0000-4000-8000-000000000000/run", 404, "profile_not_found", null)]
    [InlineData("POST", "/api/v1/profiles/not-a-uid/run", 404, "profile_not_found", null)]
    [InlineData("GET", "/api/v1/profiles/8b0e7c1e-0000-4000-8000-000000000000/checks", 404, "profile_not_found", null)]
    [InlineData("POST", "/api/v1/alerts/424242/acknowledge", 404, "alert_not_found", null)]
    [InlineData("GET", "/api/v1/alerts?page_size=0", 400, "invalid_query", "page_size")]
    [InlineData("GET", "/api/v1/alerts?status=open", 400, "invalid_query", "status")]
    [InlineData("GET", "/api/v1/alerts?from=yesterday", 400, "invalid_query", "from")]
    [InlineData("GET", "/api/v1/alerts?uid=x", 400, "invalid_query", "uid")]
    public async Task Errors_AreProblemDetailsWithCodes(string method, string path, int status, string code, string? field)
    {
        var response = await SendAsync(new HttpMethod(method), path);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task SpaceRoles_AreEnforced()
    {
        var uid = await ProfileWithDriftAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/v1/profiles/{uid}/run")).StatusCode);

        var readerRun = await SendAsync(HttpMethod.Post, $"/api/v1/profiles/{uid}/run", "team=read");
        Assert.Equal(HttpStatusCode.Forbidden, readerRun.StatusCode);
        Assert.Equal("forbidden", (await JsonAsync(readerRun)).GetProperty("code").GetString());

        var other = await JsonAsync(await SendAsync(HttpMethod.Get, "/api/v1/alerts", "other=admin"));
        Assert.Equal(0, other.GetProperty("total").GetInt64());
        var mine = await JsonAsync(await SendAsync(HttpMethod.Get, "/api/v1/alerts", "team=read"));
        Assert.Equal(1, mine.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/v1/alerts?space=team", "other=read")).StatusCode);

        var id = mine.GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/acknowledge", "team=read")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/acknowledge", "team=write")).StatusCode);
    }
}
