using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Scouter.Server.Auth;
using Scouter.Server.Storage;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

/// <summary>Who a route is meant for.</summary>
public enum RouteAccess
{
    /// <summary><c>read</c> on the space of the profile/alert it touches.</summary>
    Read,

    /// <summary><c>write</c> on that space.</summary>
    Write,

    /// <summary>A user (not an API key) administering the space.</summary>
    SpaceAdminUser,

    /// <summary>A global admin.</summary>
    GlobalAdmin,
}

/// <summary>
/// One server (SQLite, real auth) with a custom, PSI, SPC and LLM profile in space "team", a few
/// records, one firing alert, a user "alice" and an API key scoped to "team", plus one client per
/// kind of caller the route table needs.
/// </summary>
public sealed class RouteAuthorizationFixture : IAsyncLifetime
{
    public const string Team = "team";

    public TestServer Server { get; private set; } = null!;

    public Guid Custom { get; private set; }

    public Guid Psi { get; private set; }

    public Guid Spc { get; private set; }

    public Guid Llm { get; private set; }

    /// <summary>The custom profile as stored (for PUT).</summary>
    public JsonNode CustomProfile { get; private set; } = null!;

    public long AlertId { get; private set; }

    /// <summary>An LLM record of the LLM profile, ingested through the API.</summary>
    public Guid LlmRecordId { get; private set; }

    /// <summary>An API key granting read on "team" (id, for DELETE).</summary>
    public string TeamKeyId { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>API key with admin (so also write and read) on "other" only.</summary>
    public HttpClient OtherSpaceKey { get; private set; } = null!;

    public HttpClient TeamReadKey { get; private set; } = null!;

    public HttpClient TeamWriteKey { get; private set; } = null!;

    /// <summary>A user with admin on "team", no global role.</summary>
    public HttpClient TeamAdminUser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TestServer.StartAsync(SqlDialect.Sqlite);
        var custom = new CustomDriftProfile(new CustomMetricDriftConfig { Space = Team, Name = "m" }, [new CustomMetric("mae", 1, AlertThreshold.Above, 0.5)]);
        var (customUid, customJson) = await RegisterAsync(custom);
        (Custom, CustomProfile) = (customUid, customJson);
        Psi = (await RegisterAsync(TestProfiles.Psi(Team, "p"))).Uid;
        Spc = (await RegisterAsync(TestProfiles.Spc(Team, "s"))).Uid;
        Llm = (await RegisterAsync(TestProfiles.Llm(Team, "l"))).Uid;

        // mae mean 5 is above baseline 1 + delta 0.5: the check opens an alert.
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        using (var ingest = await Server.Admin.PostAsync("/api/v1/records", JsonBody(Batch(Custom, at, sum: 50, count: 10))))
            await EnsureAsync(ingest, HttpStatusCode.Accepted);
        var psiBatch = new JsonObject
        {
            ["batch_id"] = Guid.CreateVersion7().ToString(),
            ["sent_at"] = Time(at),
            ["records"] = new JsonArray(new JsonObject
            {
                ["type"] = "psi", ["uid"] = Psi.ToString(), ["created_at"] = Time(at), ["feature"] = "age", ["bin_counts"] = new JsonObject { ["1"] = 5, ["2"] = 3 },
            }),
        };
        using (var ingest = await Server.Admin.PostAsync("/api/v1/records", JsonBody(psiBatch))) await EnsureAsync(ingest, HttpStatusCode.Accepted);
        LlmRecordId = Guid.CreateVersion7();
        var llmBatch = new JsonObject
        {
            ["batch_id"] = Guid.CreateVersion7().ToString(),
            ["sent_at"] = Time(at),
            ["records"] = new JsonArray(new JsonObject
            {
                ["type"] = "llm", ["uid"] = Llm.ToString(), ["created_at"] = Time(at), ["record_id"] = LlmRecordId.ToString(), ["input"] = "q", ["response"] = "a",
            }),
        };
        using (var ingest = await Server.Admin.PostAsync("/api/v1/records", JsonBody(llmBatch))) await EnsureAsync(ingest, HttpStatusCode.Accepted);
        using (var run = await Server.Admin.PostAsync($"/api/v1/profiles/{Custom}/run", null)) await EnsureAsync(run, HttpStatusCode.OK);
        using (var alerts = await Server.Admin.GetAsync($"/api/v1/alerts?uid={Custom}"))
        {
            await EnsureAsync(alerts, HttpStatusCode.OK);
            var items = (await alerts.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            Assert.Equal(1, items.GetArrayLength());
            AlertId = items[0].GetProperty("id").GetInt64();
        }

        await Server.CreateUserClientAsync("alice", TestServer.Grants((Team, SpaceRole.Read)));
        TeamKeyId = (await Server.CreateApiKeyAsync(TestServer.Grants((Team, SpaceRole.Read)), "team-reader")).Id;
        Anonymous = Server.CreateClient();
        OtherSpaceKey = await Server.CreateApiKeyClientAsync(TestServer.Grants(("other", SpaceRole.Admin)));
        TeamReadKey = await Server.CreateApiKeyClientAsync(TestServer.Grants((Team, SpaceRole.Read)));
        TeamWriteKey = await Server.CreateApiKeyClientAsync(TestServer.Grants((Team, SpaceRole.Write)));
        TeamAdminUser = await Server.CreateUserClientAsync("team-admin", TestServer.Grants((Team, SpaceRole.Admin)));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A one-record custom batch for <paramref name="uid"/> with a fresh batch id.</summary>
    public static JsonObject Batch(Guid uid, DateTimeOffset at, double sum = 1, long count = 1) => new()
    {
        ["batch_id"] = Guid.CreateVersion7().ToString(),
        ["sent_at"] = Time(at),
        ["records"] = new JsonArray(new JsonObject
        {
            ["type"] = "custom", ["uid"] = uid.ToString(), ["created_at"] = Time(at), ["metric"] = "mae", ["sum"] = sum, ["count"] = count,
        }),
    };

    public static StringContent JsonBody(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static JsonObject RegisterBody(DriftProfile profile, bool setActive, bool bump) =>
        new() { ["profile"] = JsonNode.Parse(profile.ToJson()), ["set_active"] = setActive, ["bump"] = bump };

    private async Task<(Guid Uid, JsonNode Profile)> RegisterAsync(DriftProfile profile)
    {
        using var response = await Server.Admin.PostAsync("/api/v1/profiles", JsonBody(RegisterBody(profile, setActive: true, bump: false)));
        await EnsureAsync(response, HttpStatusCode.Created);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (body["uid"]!.GetValue<Guid>(), body["profile"]!.DeepClone());
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>
/// Every <c>/api/v1</c> route that needs credentials, from a table: without credentials it is a 401
/// problem, with an API key scoped to another space it is a 403 problem, with one role too few it is
/// a 403 problem, and with the role it documents it succeeds (so the table is not vacuous).
/// </summary>
public sealed class RouteAuthorizationTests(RouteAuthorizationFixture fixture) : IClassFixture<RouteAuthorizationFixture>
{
    private const string Team = RouteAuthorizationFixture.Team;

    /// <summary>A route: how to build a request for it (the path may create a throwaway resource for DELETE), who may call it, what success is.</summary>
    private sealed record ApiRoute(string Method, string Pattern, RouteAccess Access, HttpStatusCode Success,
        Func<RouteAuthorizationFixture, bool, Task<string>> Path, Func<RouteAuthorizationFixture, JsonNode?>? Body = null, string? ForbiddenField = null);

    private static readonly ApiRoute[] Table =
    [
        new("POST", "/api/v1/profiles", RouteAccess.Write, HttpStatusCode.Created, (_, _) => Task.FromResult("/api/v1/profiles"),
            _ => RouteAuthorizationFixture.RegisterBody(new CustomDriftProfile(new CustomMetricDriftConfig { Space = Team, Name = "m" }, [new CustomMetric("mae", 1)]), setActive: false, bump: true)),
        new("GET", "/api/v1/profiles", RouteAccess.Read, HttpStatusCode.OK, (_, _) => Task.FromResult($"/api/v1/profiles?space={Team}")),
        new("GET", "/api/v1/profiles/{uid}", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/profiles/{f.Custom}")),
        new("PUT", "/api/v1/profiles/{uid}", RouteAccess.Write, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/profiles/{f.Custom}"),
            f => new JsonObject { ["profile"] = f.CustomProfile.DeepClone() }),
        new("PUT", "/api/v1/profiles/{uid}/status", RouteAccess.Write, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/profiles/{f.Custom}/status"),
            _ => new JsonObject { ["active"] = true }),
        // The PSI profile, so that running it never resolves the custom profile's alert.
        new("POST", "/api/v1/profiles/{uid}/run", RouteAccess.Write, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/profiles/{f.Psi}/run")),
        new("GET", "/api/v1/profiles/{uid}/checks", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/profiles/{f.Custom}/checks")),
        new("POST", "/api/v1/records", RouteAccess.Write, HttpStatusCode.Accepted, (_, _) => Task.FromResult("/api/v1/records"),
            f => RouteAuthorizationFixture.Batch(f.Custom, TimeProvider.System.GetUtcNow().AddMinutes(-1)), ForbiddenField: "records[0].uid"),
        new("GET", "/api/v1/drift/psi", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/drift/psi?uid={f.Psi}")),
        new("GET", "/api/v1/drift/spc", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/drift/spc?uid={f.Spc}")),
        new("GET", "/api/v1/drift/custom", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/drift/custom?uid={f.Custom}")),
        new("GET", "/api/v1/drift/llm", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/drift/llm?uid={f.Llm}")),
        new("GET", "/api/v1/alerts", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/alerts?uid={f.Custom}")),
        new("GET", "/api/v1/overview", RouteAccess.Read, HttpStatusCode.OK, (_, _) => Task.FromResult($"/api/v1/overview?space={Team}")),
        new("POST", "/api/v1/alerts/{id}/acknowledge", RouteAccess.Write, HttpStatusCode.OK,
            (f, _) => Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"/api/v1/alerts/{f.AlertId}/acknowledge"))),
        new("GET", "/api/v1/llm/records", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/llm/records?uid={f.Llm}")),
        new("GET", "/api/v1/llm/records/{id}", RouteAccess.Read, HttpStatusCode.OK, (f, _) => Task.FromResult($"/api/v1/llm/records/{f.LlmRecordId}")),
        new("POST", "/api/v1/llm/records/{id}/retry", RouteAccess.Write, HttpStatusCode.OK,
            async (f, allowed) => $"/api/v1/llm/records/{(allowed ? await FailedLlmRecordAsync(f) : f.LlmRecordId)}/retry"),
        new("GET", "/api/v1/users", RouteAccess.GlobalAdmin, HttpStatusCode.OK, (_, _) => Task.FromResult("/api/v1/users")),
        new("POST", "/api/v1/users", RouteAccess.GlobalAdmin, HttpStatusCode.Created, (_, _) => Task.FromResult("/api/v1/users"),
            _ => new JsonObject { ["name"] = "u-" + Guid.NewGuid().ToString("N")[..12], ["password"] = "a-long-password", ["spaces"] = new JsonObject { [Team] = "read" } }),
        new("GET", "/api/v1/users/{name}", RouteAccess.GlobalAdmin, HttpStatusCode.OK, (_, _) => Task.FromResult("/api/v1/users/alice")),
        new("PUT", "/api/v1/users/{name}", RouteAccess.GlobalAdmin, HttpStatusCode.OK, (_, _) => Task.FromResult("/api/v1/users/alice"),
            _ => new JsonObject { ["disabled"] = false }),
        new("DELETE", "/api/v1/users/{name}", RouteAccess.GlobalAdmin, HttpStatusCode.NoContent,
            async (f, allowed) => "/api/v1/users/" + (allowed ? await ThrowawayUserAsync(f) : "alice")),
        new("POST", "/api/v1/api-keys", RouteAccess.SpaceAdminUser, HttpStatusCode.Created, (_, _) => Task.FromResult("/api/v1/api-keys"),
            _ => new JsonObject { ["name"] = "k", ["spaces"] = new JsonObject { [Team] = "write" } }),
        new("GET", "/api/v1/api-keys", RouteAccess.SpaceAdminUser, HttpStatusCode.OK, (_, _) => Task.FromResult("/api/v1/api-keys")),
        new("DELETE", "/api/v1/api-keys/{id}", RouteAccess.SpaceAdminUser, HttpStatusCode.NoContent,
            async (f, allowed) => "/api/v1/api-keys/" + (allowed ? (await f.Server.CreateApiKeyAsync(TestServer.Grants((Team, SpaceRole.Read)), "throwaway")).Id : f.TeamKeyId)),
    ];

    /// <summary>Routes reachable without credentials, by design.</summary>
    private static readonly string[] Anonymous =
        ["POST /api/v1/auth/token", "POST /api/v1/auth/refresh", "POST /api/v1/auth/session", "POST /api/v1/auth/session/refresh", "DELETE /api/v1/auth/session"];

    /// <summary>Routes any authenticated caller may use, whatever its spaces (they describe the caller itself).</summary>
    private static readonly string[] AnyCaller = ["GET /api/v1/me"];

    public static TheoryData<string> Routes => new(Table.Select(Key));

    /// <summary>Routes a caller can hold one role too few for (a read key on a write route, a space admin on a users route).</summary>
    public static TheoryData<string> RoutesAboveRead => new(Table.Where(r => r.Access != RouteAccess.Read).Select(Key));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Key(ApiRoute route) => route.Method + " " + route.Pattern;

    private static ApiRoute Find(string key) => Table.Single(r => Key(r) == key);

    [Fact]
    public void Table_CoversEveryMappedApiRoute()
    {
        var mapped = ((IEndpointRouteBuilder)fixture.Server.App).DataSources
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => m + " " + e.RoutePattern.RawText!.TrimEnd('/')))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(Table.Select(Key).Concat(Anonymous).Concat(AnyCaller).Order(StringComparer.Ordinal), mapped);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_WithoutCredentials_Is401Problem(string route)
    {
        using var response = await SendAsync(fixture.Anonymous, Find(route), allowed: false);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_WithApiKeyScopedToAnotherSpace_Is403Problem(string route)
    {
        var entry = Find(route);

        using var response = await SendAsync(fixture.OtherSpaceKey, entry, allowed: false);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
        if (entry.ForbiddenField is { } field) Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [MemberData(nameof(RoutesAboveRead))]
    public async Task Route_WithOneRoleTooFew_Is403Problem(string route)
    {
        var entry = Find(route);
        var client = entry.Access switch
        {
            RouteAccess.Write => fixture.TeamReadKey,
            RouteAccess.SpaceAdminUser => fixture.TeamWriteKey, // an API key, even one writing the space, does not manage keys
            _ => fixture.TeamAdminUser,
        };

        using var response = await SendAsync(client, entry, allowed: false);

        Assert.Equal("forbidden", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_WithTheRequiredRole_Succeeds(string route)
    {
        var entry = Find(route);
        var client = entry.Access switch
        {
            RouteAccess.Read => fixture.TeamReadKey,
            RouteAccess.Write => fixture.TeamWriteKey,
            RouteAccess.SpaceAdminUser => fixture.TeamAdminUser,
            _ => fixture.Server.Admin,
        };

        using var response = await SendAsync(client, entry, allowed: true);

        Assert.True(response.StatusCode == entry.Success, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task Ingest_BatchNamingAProfileOfAnotherSpaceAfterAnAllowedOne_Is403NamingThatRecord_AndStoresNothing()
    {
        var otherSpace = await fixture.Server.CreateApiKeyClientAsync(TestServer.Grants(("other", SpaceRole.Write)));
        var other = new CustomDriftProfile(new CustomMetricDriftConfig { Space = "other", Name = "o" }, [new CustomMetric("mae", 1)]);
        using (var register = await fixture.Server.Admin.PostAsync("/api/v1/profiles", RouteAuthorizationFixture.JsonBody(RouteAuthorizationFixture.RegisterBody(other, false, true)), Ct))
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var otherUid = (await ListAsync("other"))[0];
        var at = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        var batch = RouteAuthorizationFixture.Batch(otherUid, at);
        var records = batch["records"]!.AsArray();
        records.Add(RouteAuthorizationFixture.Batch(otherUid, at)["records"]![0]!.DeepClone());
        records.Add(RouteAuthorizationFixture.Batch(fixture.Custom, at)["records"]![0]!.DeepClone());
        var before = await CountAsync("select count(*) from custom_values");

        using var response = await otherSpace.PostAsync("/api/v1/records", RouteAuthorizationFixture.JsonBody(batch), Ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("records[2].uid", problem.GetProperty("field").GetString());
        Assert.Equal(before, await CountAsync("select count(*) from custom_values"));
    }

    [Fact]
    public async Task UnknownProfileUid_StaysNotFound_ForAnyCaller()
    {
        var unknown = Guid.NewGuid();

        foreach (var client in new[] { fixture.OtherSpaceKey, fixture.TeamWriteKey })
        {
            using var get = await client.GetAsync($"/api/v1/profiles/{unknown}", Ct);
            using var drift = await client.GetAsync($"/api/v1/drift/custom?uid={unknown}", Ct);
            Assert.Equal("profile_not_found", (await AssertProblemAsync(get, HttpStatusCode.NotFound)).GetProperty("code").GetString());
            Assert.Equal("profile_not_found", (await AssertProblemAsync(drift, HttpStatusCode.NotFound)).GetProperty("code").GetString());
        }
    }

    private async Task<List<Guid>> ListAsync(string space)
    {
        var body = await fixture.Server.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/profiles?space={space}", Ct);
        return [.. body.GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("uid").GetGuid())];
    }

    private async Task<long> CountAsync(string sql) => await Seed.CountAsync(fixture.Server.Database.Database, sql);

    /// <summary>A failed record of the LLM profile, as the evaluation leaves one after its last attempt.</summary>
    private static async Task<Guid> FailedLlmRecordAsync(RouteAuthorizationFixture f) =>
        (await Seed.LlmRecordsAsync(f.Server.Database.Database, f.Llm, TimeProvider.System.GetUtcNow().AddMinutes(-1), "failed", error: "judge_unavailable"))[0];

    private static async Task<string> ThrowawayUserAsync(RouteAuthorizationFixture f)
    {
        var name = "gone-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await f.Server.Admin.PostAsync("/api/v1/users", RouteAuthorizationFixture.JsonBody(new JsonObject { ["name"] = name, ["password"] = "a-long-password" }), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, ApiRoute route, bool allowed)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), await route.Path(fixture, allowed));
        if (route.Body?.Invoke(fixture) is { } body) request.Content = RouteAuthorizationFixture.JsonBody(body);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
