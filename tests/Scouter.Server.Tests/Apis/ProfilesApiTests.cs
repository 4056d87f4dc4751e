using System.Net;
using System.Text.Json.Nodes;
using Scouter.Server.Auth;
using Scouter.Server.Tests.Fixtures;
using Xunit;

namespace Scouter.Server.Tests.Apis;

public sealed class ProfilesApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private DataTestServer Server => fixture.Server;

    private HttpClient Client => fixture.Server.Client;

    private static string NewSpace() => "s" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Register_AssignsAFreshUid_AndGetReturnsTheStoredProfile()
    {
        var profile = TestProfiles.Psi(NewSpace());

        using var response = await Client.PostAsync("profiles", DataTestServer.Json(DataTestServer.RegisterBody(profile)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await DataTestServer.ReadAsync(response);
        var uid = body.GetProperty("uid").GetGuid();
        Assert.NotEqual(profile.Config.Uid, uid);
        Assert.Equal(7, uid.Version);
        Assert.Equal("1.0.0", body.GetProperty("version").GetString());
        Assert.Equal("psi", body.GetProperty("drift_type").GetString());
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(uid, body.GetProperty("profile").GetProperty("config").GetProperty("uid").GetGuid());
        Assert.EndsWith($"/api/v1/profiles/{uid}", response.Headers.Location!.ToString(), StringComparison.Ordinal);

        var stored = DriftProfile.FromJson(await Client.GetStringAsync($"profiles/{uid}", TestContext.Current.CancellationToken));
        var psi = Assert.IsType<PsiDriftProfile>(stored);
        Assert.Equal(uid, psi.Config.Uid);
        Assert.Equal(profile.Features["age"].Proportions, psi.Features["age"].Proportions);
    }

    [Fact]
    public async Task Register_ExistingVersion_Is409_AndBumpAssignsTheNextPatchVersion()
    {
        var space = NewSpace();
        var first = await Server.RegisterAsync(TestProfiles.Custom(space, version: "1.2.3"));

        using var conflict = await Client.PostAsync("profiles", DataTestServer.Json(DataTestServer.RegisterBody(TestProfiles.Custom(space, version: "1.2.3", schedule: CommonCrons.EveryHour))));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("profile_exists", (await DataTestServer.ReadAsync(conflict)).GetProperty("code").GetString());

        var bumped = await Server.RegisterAsync(TestProfiles.Custom(space, version: "0.0.1"), setActive: true, bump: true);
        Assert.Equal("1.2.4", bumped.GetProperty("version").GetString());
        Assert.Equal("1.2.4", bumped.GetProperty("profile").GetProperty("config").GetProperty("version").GetString());
        var again = await Server.RegisterAsync(TestProfiles.Custom(space, version: "1.2.3"), setActive: true, bump: true);
        Assert.Equal("1.2.5", again.GetProperty("version").GetString());

        // set_active deactivates the other versions: only the newest is active.
        var list = await DataTestServer.ReadAsync(await Client.GetAsync($"profiles?space={space}", TestContext.Current.CancellationToken));
        var active = list.GetProperty("profiles").EnumerateArray().Where(p => p.GetProperty("active").GetBoolean()).Select(p => p.GetProperty("version").GetString());
        Assert.Equal(["1.2.5"], active);
        Assert.Equal(first.GetProperty("uid").GetGuid(), list.GetProperty("profiles")[0].GetProperty("uid").GetGuid());
    }

    [Fact]
    public async Task List_FiltersByNameVersionAndDriftType()
    {
        var space = NewSpace();
        await Server.RegisterAsync(TestProfiles.Psi(space, "a"));
        await Server.RegisterAsync(TestProfiles.Spc(space, "a"));
        await Server.RegisterAsync(TestProfiles.Psi(space, "b", "2.0.0"));

        async Task<int> CountAsync(string query) =>
            (await DataTestServer.ReadAsync(await Client.GetAsync($"profiles?space={space}{query}", TestContext.Current.CancellationToken))).GetProperty("profiles").GetArrayLength();

        Assert.Equal(3, await CountAsync(string.Empty));
        Assert.Equal(2, await CountAsync("&name=a"));
        Assert.Equal(2, await CountAsync("&drift_type=psi"));
        Assert.Equal(1, await CountAsync("&version=2.0.0"));
        using var bad = await Client.GetAsync($"profiles?drift_type=nope", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("drift_type", (await DataTestServer.ReadAsync(bad)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task List_ShowsOnlySpacesTheCallerCanRead()
    {
        var mine = NewSpace();
        var theirs = NewSpace();
        await Server.RegisterAsync(TestProfiles.Psi(mine));
        await Server.RegisterAsync(TestProfiles.Psi(theirs));

        var reader = await Server.ApiKeyClientAsync((mine, SpaceRole.Read));
        using var all = await reader.GetAsync("profiles", TestContext.Current.CancellationToken);
        var spaces = (await DataTestServer.ReadAsync(all)).GetProperty("profiles").EnumerateArray().Select(p => p.GetProperty("space").GetString()).Distinct();
        Assert.Equal([mine], spaces);

        using var forbidden = await reader.GetAsync($"profiles?space={theirs}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownUidIs404_UnreadableSpaceIs403_AndBadUidIs400()
    {
        var uid = (await Server.RegisterAsync(TestProfiles.Spc(NewSpace()))).GetProperty("uid").GetGuid();

        using var unknown = await Client.GetAsync($"profiles/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        var stranger = await Server.ApiKeyClientAsync(("elsewhere", SpaceRole.Admin));
        using var hidden = await stranger.GetAsync($"profiles/{uid}", TestContext.Current.CancellationToken);
        using var bad = await Client.GetAsync("profiles/not-a-uid", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("profile_not_found", (await DataTestServer.ReadAsync(unknown)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, hidden.StatusCode);
        Assert.Equal("forbidden", (await DataTestServer.ReadAsync(hidden)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Register_And_Update_WithoutWriteRole_Are403()
    {
        var space = NewSpace();
        var reader = await Server.ApiKeyClientAsync((space, SpaceRole.Read));
        using var register = await reader.PostAsync("profiles", DataTestServer.Json(DataTestServer.RegisterBody(TestProfiles.Psi(space))), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);

        var uid = (await Server.RegisterAsync(TestProfiles.Psi(space))).GetProperty("uid").GetGuid();
        using var status = await reader.PutAsync($"profiles/{uid}/status", DataTestServer.Json("{\"active\":false}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.Equal("forbidden", (await DataTestServer.ReadAsync(status)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Update_AlertConfig_IsAccepted_AndReschedules()
    {
        var space = NewSpace();
        var uid = (await Server.RegisterAsync(TestProfiles.Custom(space, schedule: CommonCrons.EveryHour))).GetProperty("uid").GetGuid();
        var changed = TestProfiles.Custom(space, schedule: CommonCrons.EveryDay);

        using var response = await Client.PutAsync($"profiles/{uid}", DataTestServer.Json(new JsonObject { ["profile"] = JsonNode.Parse(changed.ToJson()) }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await DataTestServer.ReadAsync(response);
        Assert.Equal(CommonCrons.EveryDay, body.GetProperty("schedule").GetString());
        Assert.Equal(DataTestServer.Start.Date.AddDays(1), body.GetProperty("next_run").GetDateTimeOffset().UtcDateTime);
        var stored = (CustomDriftProfile)DriftProfile.FromJson(await Client.GetStringAsync($"profiles/{uid}", TestContext.Current.CancellationToken));
        Assert.Equal(CommonCrons.EveryDay, stored.Config.AlertConfig.Schedule);
        Assert.Equal(uid, stored.Config.Uid);
    }

    [Theory]
    [InlineData("baseline", "profile.metrics[0].baseline")]
    [InlineData("name", "profile.config.name")]
    [InlineData("type", "profile.drift_type")]
    public async Task Update_DriftMathField_Is422NamingTheField(string change, string field)
    {
        var space = NewSpace();
        var uid = (await Server.RegisterAsync(TestProfiles.Custom(space))).GetProperty("uid").GetGuid();
        DriftProfile changed = change switch
        {
            "baseline" => new CustomDriftProfile(TestProfiles.Custom(space).Config, [new CustomMetric("mae", 2.0, AlertThreshold.Above, 0.5), new CustomMetric("acc", 0.9)]),
            "name" => TestProfiles.Custom(space, name: "renamed"),
            _ => TestProfiles.Spc(space),
        };

        using var response = await Client.PutAsync($"profiles/{uid}", DataTestServer.Json(new JsonObject { ["profile"] = JsonNode.Parse(changed.ToJson()) }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await DataTestServer.ReadAsync(response);
        Assert.Equal("profile_immutable", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Status_DeactivatesAndReactivates()
    {
        var space = NewSpace();
        var a = (await Server.RegisterAsync(TestProfiles.Llm(space, version: "1.0.0"))).GetProperty("uid").GetGuid();
        var b = (await Server.RegisterAsync(TestProfiles.Llm(space, version: "1.0.1"), setActive: false)).GetProperty("uid").GetGuid();

        using var on = await Client.PutAsync($"profiles/{b}/status", DataTestServer.Json("{\"active\":true,\"deactivate_others\":true}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.True((await DataTestServer.ReadAsync(on)).GetProperty("active").GetBoolean());
        var list = await DataTestServer.ReadAsync(await Client.GetAsync($"profiles?space={space}", TestContext.Current.CancellationToken));
        Assert.Equal([b], list.GetProperty("profiles").EnumerateArray().Where(p => p.GetProperty("active").GetBoolean()).Select(p => p.GetProperty("uid").GetGuid()));

        using var off = await Client.PutAsync($"profiles/{b}/status", DataTestServer.Json("{\"active\":false}"), TestContext.Current.CancellationToken);
        var offBody = await DataTestServer.ReadAsync(off);
        Assert.False(offBody.GetProperty("active").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, offBody.GetProperty("next_run").ValueKind);

        using var missing = await Client.PutAsync($"profiles/{a}/status", DataTestServer.Json("{}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("active", (await DataTestServer.ReadAsync(missing)).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{\"profile\": {\"drift_type\": \"psi\", \"config\": 5}}", "invalid_json", "profile.config")]
    [InlineData("{\"profile\": ", "invalid_json", null)]
    [InlineData("{\"set_active\": true}", "invalid_profile", "profile")]
    [InlineData("[1]", "invalid_json", "body")]
    public async Task Register_BadBody_Is400ProblemNamingTheField(string json, string code, string? field)
    {
        using var response = await Client.PostAsync("profiles", DataTestServer.Json(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await DataTestServer.ReadAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
    }
}

public sealed class OpenApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OpenApiDocument_ListsTheDataRoutes()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Scouter.Server.ScouterServer.Url(fixture.Server.App)) };

        var json = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("/api/v1/records", json, StringComparison.Ordinal);
        Assert.Contains("/api/v1/drift/psi", json, StringComparison.Ordinal);
        Assert.Contains("/api/v1/profiles/{uid}/status", json, StringComparison.Ordinal);
    }
}
